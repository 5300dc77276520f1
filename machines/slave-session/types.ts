/**
 * The slave session's interface (master side of the slave protocol, protocols/README.md §4.1): what the Slave
 * Driver passes in, the events it forwards, the actions and actors it must provide, and the output it gets
 * back when the session ends. The machine itself is in `machine.ts`.
 */
import type { StatsLog } from './stats-log.js';
import type {
  BuildStateWire,
  FileStateWire,
  Message,
  SlaveHelloWire,
  SlaveStatsWire,
  TimeDelta,
} from '../../protocols/index.js';
import type { monitorStatsProtocol, slaveDriverProtocol, theScribeProtocol } from '../../protocols/index.js';
import type { LogEntry, LogLevel } from '../common/log-entry.js';

/** A message from the slave, as the protocol's `decode` returns it. */
export type SlaveRequest = Message<typeof slaveDriverProtocol.recv>;
/** A message to the slave, ready for the protocol's `encode`. */
export type SlaveReply = Message<typeof slaveDriverProtocol.send>;
export type SlaveRequestVerb = SlaveRequest['verb'];
/** A reply that counts as the "last reply" and is reported to monitors: all but CONT (behaviour 69). */
export type ReportedReply = Exclude<SlaveReply, { verb: 'CONT' }>;
export type SlaveReplyVerb = SlaveReply['verb'];

/** A status message for monitors: `SLAVE [slave_id, timestamp, verb, data]` (protocols/README.md §4.12). */
export type SlaveStatus = Extract<Message<typeof monitorStatsProtocol.send>, { verb: 'SLAVE' }>;

/** A web-queue request the session makes after logging a build (`PROJECT` or `BOTH` with the package). */
export type PageRequest = Extract<Message<typeof theScribeProtocol.recv>, { verb: 'PROJECT' | 'BOTH' }>;

export type { BuildStateWire, FileStateWire, SlaveHelloWire, SlaveStatsWire };

// ---------------------------------------------------------------------------------------------- input

export interface SlaveSessionInput {
  /**
   * The connection this session speaks for, as its owner names it (the slave's ZeroMQ identity): handed
   * back to `reply`, `log` and `register` so the owner knows where to send; the machine never reads it.
   */
  peer: string;
  /** The index URL sent in ACK (`--pypi-simple`, default `https://pypi.org/simple`). */
  pypiSimpleUrl: string;
  /** Whether the Slave Driver task is paused when the session starts (later: PAUSE / RESUME events). */
  masterPaused?: boolean;
  /**
   * How often the session checks for silence, in ms (0.18 swept every 10 s). A slave silent for longer
   * than its busy timeout is dropped within two sweeps after the timeout; default 5000 (as tight as 0.18).
   */
  sweepMs?: number;
  /**
   * How many times one file may fail VERIFY before the build is abandoned (answered DONE, nothing logged,
   * its job back at the head of its queue). 0.18 retried forever; default 3.
   */
  maxSendAttempts?: number;
  /**
   * The largest wheel the master takes (its --max-file-size): a success reporting a larger one is recorded
   * as a failure (the File Juggler would refuse it at EXPECT, and the version would be built again for
   * ever). None when omitted.
   */
  maxFileSize?: number;
}

// --------------------------------------------------------------------------------------------- events

/**
 * A message from the slave, forwarded by the Slave Driver after decoding and validation, stamped with the
 * time it arrived (the machine has no clock; the stamp feeds first/last-seen and status timestamps).
 */
export type SlaveMessageEvent = SlaveRequest extends infer R
  ? R extends { verb: infer V; data?: infer D }
    ? { type: V; data: D; at: Date }
    : never
  : never;

/** Requests from the Slave Driver (monitor control, task control, deletions). */
export type SlaveControlEvent =
  /** DIE at the slave's next IDLE (behaviour 42). */
  | { type: 'KILL' }
  /** Abandon the current build: DONE at the next BUSY, discard at BUILT (behaviours 48, 50, 62). */
  | { type: 'SKIP' }
  /** Per-slave pause: SLEEP true at every IDLE until WAKE (fixes QUIRK 68). */
  | { type: 'SLEEP' }
  /** Clear the killed, skipped and paused flags (behaviour 67). */
  | { type: 'WAKE' }
  /** The Slave Driver task was paused / resumed: SLEEP true to every IDLE meanwhile (behaviour 43). */
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  /** A new monitor asked for the state: publish HELLO, the kept stats, then the last reply (behaviour 71). */
  | { type: 'REPLAY' }
  /** The answer to the `register` action: the id the Slave Driver gave the slave (behaviour 37). */
  | { type: 'REGISTERED'; slaveId: number }
  /**
   * The answer to the `requestJob` action: a job, or null when the ABI's queue has nothing (44–46). Each
   * answer names the IDLE it answers by the `at` it arrived with (RequestJobInput.idleAt), so one nobody
   * waits for is ignored.
   */
  | { type: 'JOB'; job: RequestJobOutput; idleAt: Date }
  /** `requestJob` could not be answered. */
  | { type: 'JOB_FAILED'; error: unknown; idleAt: Date }
  /** `requestJob` will be answered later (the queue returned a promise): the session waits for JOB. */
  | { type: 'JOB_PENDING'; idleAt: Date }
  /** The answer to the `logBuild` action: the Oracle recorded the build (with this id), or failed. */
  | { type: 'LOGGED'; buildId: LogBuildOutput }
  | { type: 'LOG_FAILED'; error: unknown }
  /** The answer to the `requestPages` action: the web queue took the request, or failed. */
  | { type: 'PAGES_DONE' }
  | { type: 'PAGES_FAILED'; error: unknown };

/** Raised by the machine itself every sweep period; never sent from outside. */
export type SlaveSessionInternalEvent = { type: 'SWEEP' };

export type SlaveSessionEvent = SlaveMessageEvent | SlaveControlEvent | SlaveSessionInternalEvent;

// -------------------------------------------------------------------------------------------- context

/** A wheel the slave reported, with whether the master already has it. */
export interface TransferFile {
  file: FileStateWire;
  /** true once verified by the File Juggler, or from the start for an armv6l twin. */
  transferred: boolean;
}

/** What the slave is building, from the BUILD reply until DONE. */
export interface SessionBuild {
  package: string;
  version: string;
  /** Set by BUILT: the result, with files deduplicated by name and sorted by filename. */
  status?: boolean;
  duration?: TimeDelta;
  output?: string;
  files?: TransferFile[];
  /** Why the master refused a reported success (its files were not this build's), recorded as a failure. */
  refused?: string;
}

export interface StatsSample {
  at: Date;
  stats: SlaveStatsWire;
}

/** What the Slave Driver gave the session when it spawned it; never changes. */
export interface SlaveSessionConfig {
  /** See SlaveSessionInput. */
  peer: string;
  pypiSimpleUrl: string;
  maxSendAttempts: number;
  maxFileSize: number | null;
}

/**
 * Kept under 20 fields: xstate makes each new context with `Object.assign({}, context, update)`, and V8
 * gives such an object slow (dictionary) properties from 20 on, which cost the Slave Driver 40% more CPU
 * per job when `peer` was added as a 20th field (measured; hence `config`).
 */
export interface SlaveSessionContext {
  config: SlaveSessionConfig;
  /** The id the Slave Driver gave the slave once its HELLO was accepted (1, 2, …); 0 before. */
  slaveId: number;
  /** HELLO data, verbatim (behaviour 38); null until HELLO. */
  hello: SlaveHelloWire | null;
  /** The sweep period in ms: min(input sweepMs, busy timeout), at least 1. */
  sweepMs: number;
  /**
   * Sweeps in a row without a message that prove the slave silent for longer than its busy timeout
   * (behaviour 59): ceil(timeout / sweep) + 1, since the first sweep may come just after the last message.
   */
  sweepsToExpire: number;
  /** Sweeps since the slave's last message. */
  silentSweeps: number;
  firstSeen: Date | null;
  lastSeen: Date | null;
  /** The IDLE/BUSY stats, of which the last 100 are replayed to monitors (behaviour 71). */
  stats: StatsLog;
  /** The last reply other than CONT (the one 0.18's order checks look at). */
  lastReply: ReportedReply | null;
  build: SessionBuild | null;
  /** Index in `build.files` of the file being expected / sent / verified. */
  fileIndex: number;
  /** Failed VERIFYs of the current file. */
  sendAttempts: number;
  killed: boolean;
  skipped: boolean;
  paused: boolean;
  masterPaused: boolean;
}

// -------------------------------------------------------------------------------------------- actions

export type { LogEntry, LogLevel };

/**
 * Side effects the Slave Driver provides with `machine.provide({ actions })`; each receives its params as
 * the second argument, e.g. `reply: (_, msg) => router.send([identity, '', protocol.encode(msg)])`.
 */
export interface SlaveSessionActions {
  /** Send this reply to the slave (exactly one per request, except BYE which gets none). */
  reply: SlaveReply;
  /** Push this status message to the monitors (internal status queue). */
  publishStatus: SlaveStatus;
  /** Log a line in the Slave Driver's log, e.g. `slave 3: protocol error (IDLE after BUILD)`. */
  log: LogEntry;
  /**
   * A HELLO was accepted: give the slave the next id (1, 2, …, never one a rejected connection used up,
   * behaviours 37, 39); answered by REGISTERED.
   */
  register: RegisterInput;
  /**
   * Ask the Slave Driver's queue for a job; answered by JOB (or JOB_FAILED) raised in the same macrostep
   * when the queue answers at once, else by JOB_PENDING at once and JOB (or JOB_FAILED) when it settles.
   * An action and events rather than an invoked actor: IDLE is the hottest request after BUSY, and an
   * actor per IDLE costs about nine times as much as a message to the parent.
   */
  requestJob: RequestJobInput;
  /** LOGBUILD to the Oracle, answered by LOGGED or LOG_FAILED: an action for the same reason (every build). */
  logBuild: LogBuildInput;
  /** PROJECT or BOTH to the web queue, answered by PAGES_DONE or PAGES_FAILED (every build). */
  requestPages: RequestPagesInput;
  /** A build ended without a record (abandoned): its job goes back to the head of its queue. */
  releaseJob: ReleaseJobInput;
}

// ------------------------------------------------------------------------------------------- services

/** `register` (action): the connection and what its HELLO said. */
export interface RegisterInput {
  peer: string;
  hello: SlaveHelloWire;
}

/** `requestJob` (action): pop the head of the slave's ABI queue, skipping in-flight and deleted entries (A.1). */
export interface RequestJobInput {
  slaveId: number;
  abi: string;
  /** The slave's build timeout: the dispatched job is in flight until now + this (behaviour 45). */
  buildTimeout: TimeDelta;
  /** When the IDLE being answered arrived (its event's `at`): handed back in the answer's events. */
  idleAt: Date;
}
/** `[package, version]` to build, or null when the queue has nothing for this ABI. */
export type RequestJobOutput = readonly [string, string] | null;

/**
 * `releaseJob` (action): the slave's build was abandoned with nothing recorded (EXPECT refused, VERIFY
 * failed every time, LOGBUILD failed): the job's hold in the queue is dropped, so it is built again next
 * rather than once the slave's build timeout (3 hours for a 0.18 slave) has run out.
 */
export interface ReleaseJobInput {
  slaveId: number;
  abi: string;
  job: readonly [string, string];
}

/** `logBuild` (action): LOGBUILD to the Oracle; the build id comes back in LOGGED. */
export type LogBuildInput = BuildStateWire;
export type LogBuildOutput = number;

/** `expectFile`: EXPECT [slave_id, file] to the File Juggler; rejects on ERROR. */
export interface ExpectFileInput {
  slaveId: number;
  file: FileStateWire;
}

/** `verifyFile`: VERIFY [slave_id, package]; resolves true when OK, false on ERROR (hash or size). */
export interface VerifyFileInput {
  slaveId: number;
  package: string;
}

/** `requestPages` (action): PROJECT or BOTH to the web queue (the Secretary); PAGES_DONE on its DONE. */
export type RequestPagesInput = PageRequest;

// --------------------------------------------------------------------------------------------- output

export type SlaveSessionEndReason =
  /** The slave said BYE (behaviour 58). */
  | 'bye'
  /** The slave was silent for longer than its busy timeout (behaviour 59). */
  | 'expired'
  /** The first message was not HELLO (behaviour 39). */
  | 'rejected';

export interface SlaveSessionOutput {
  reason: SlaveSessionEndReason;
  /** 0 for a rejected connection (it never had one). */
  slaveId: number;
  /** The (package, version) the slave held when it went, so the Slave Driver can release it; else null. */
  build: { package: string; version: string } | null;
}
