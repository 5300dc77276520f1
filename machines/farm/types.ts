/**
 * The farm as a monitor sees it (protocols/README.md §3.3–3.6, §4.10, §4.12, §5): what the farm model folds the
 * status stream into, and the events its owner feeds it. Times are milliseconds since the epoch, taken
 * from the events only: message timestamps (the master's clock) and the `at`/`now` the owner stamps on
 * each event (the monitor's clock, for "last heard" and ages).
 */
import type { Message } from '../../protocols/protocol.js';
import type { monitorProtocol } from '../../protocols/monitor-stats.js';
import type { monitorControlProtocol } from '../../protocols/master-control.js';

/** A message of the status queue, decoded and validated (`monitorProtocol.decode`). */
export type StatusMessage = Message<(typeof monitorProtocol)['recv']>;
/** A message of the control queue, as a monitor sends it (validated by `monitorControlProtocol`). */
export type ControlMessage = Message<(typeof monitorControlProtocol)['send']>;
/** `SLAVE [slave_id, timestamp, verb, data]`. */
export type SlaveStatusData = Extract<StatusMessage, { verb: 'SLAVE' }>['data'];
/** A reply the master gave a slave, as forwarded on the status queue. */
export type SlaveReplyVerb = Exclude<SlaveStatusData[2], 'HELLO' | 'STATS'>;

/** A build a slave is working on (or last worked on). */
export interface BuildJob {
  package: string;
  version: string;
}

/** What a slave said about itself in HELLO (§3.3). */
export interface SlaveFacts {
  buildTimeoutMs: number;
  busyTimeoutMs: number;
  pyVersion: string;
  abi: string;
  platform: string;
  label: string;
  osName: string;
  osVersion: string;
  boardRevision: string;
  boardSerial: string;
}

/** One slave statistics sample (§3.4), sent with every IDLE and BUSY. */
export interface SlaveSample {
  /** The slave's own clock. */
  at: number;
  diskSize: number;
  diskFree: number;
  memSize: number;
  memFree: number;
  swapSize: number;
  swapFree: number;
  load: number;
  temperature: number;
}

/** What the slave is doing, as its last reply says (0.18's monitor states). */
export type SlaveActivity = 'idle' | 'building' | 'sending' | 'cleaning';

/** How a slave left: `killed` (DIE after BYE, a protocol error or a kill), `expired` (DIE null: timed out). */
export type SlaveEnd = 'killed' | 'expired';

/** The last reply the master gave the slave. */
export interface ReplyNote {
  verb: SlaveReplyVerb;
  /** The master's timestamp. */
  at: number;
  /** How a person reads it: `BUILD numpy 1.14.0`, `SLEEP (paused)`. */
  text: string;
}

export interface FarmSlave {
  id: number;
  /** Null while only messages after HELLO have been seen (a monitor started mid-stream; the replay fills it). */
  facts: SlaveFacts | null;
  /** The master's first-seen time (the HELLO timestamp). */
  firstSeen: number | null;
  /** The master's last-seen time (the latest message's timestamp). */
  lastSeen: number;
  activity: SlaveActivity;
  /** When the current activity began (master's clock). */
  since: number;
  /** The build in progress (building, sending) or just finished (cleaning); null when idle. */
  build: BuildJob | null;
  /** The file being sent (sending). */
  file: string | null;
  lastReply: ReplyNote | null;
  /** The latest statistics sample. */
  stats: SlaveSample | null;
  /** Master's clock minus the slave's, at the latest sample. */
  clockSkewMs: number | null;
  /** The last SLEEP said true (the master is paused, or this slave alone is asleep). */
  asleep: boolean;
  /** Asleep while the master gave others work: its SLEEP true says nothing about the master being paused. */
  asleepAlone: boolean;
  ended: SlaveEnd | null;
  /** When the DIE was heard (monitor's clock): the slave leaves the list a few seconds later. */
  endedAt: number | null;
  /** This monitor asked for it to be killed (KILL id or KILL null) and the master has not yet done it. */
  killRequested: boolean;
  /** This monitor asked for its build to be skipped (SKIP); cleared by its next BUILD. */
  skipRequested: boolean;
}

/** What the master said about itself in HELLO (§3.6). */
export interface MasterFacts {
  started: number;
  label: string;
  osName: string;
  osVersion: string;
  boardRevision: string;
  boardSerial: string;
}

/** One master statistics sample (§3.5), sent every 10 s by Big Brother. */
export interface MasterSample {
  at: number;
  packagesBuilt: number;
  /** ABI → builds in the last hour. */
  buildsLastHour: Readonly<Record<string, number>>;
  buildsTimeMs: number;
  buildsSize: number;
  /** ABI → builds waiting. */
  buildsPending: Readonly<Record<string, number>>;
  newLastHour: number;
  filesCount: number;
  downloadsLastHour: number;
  downloadsLastMonth: number;
  downloadsAll: number;
  diskSize: number;
  diskFree: number;
  memSize: number;
  memFree: number;
  swapSize: number;
  swapFree: number;
  load: number;
  temperature: number;
}

export interface FarmMaster {
  facts: MasterFacts | null;
  /** When anything was last heard on the status queue (monitor's clock). */
  heardAt: number | null;
  /** Master restarts seen (a HELLO with another start time). */
  restarts: number;
  /** When the latest restart was noticed (monitor's clock). */
  restartedAt: number | null;
  /** The start time of the master before the latest restart. */
  previousStarted: number | null;
  /** The latest statistics. */
  stats: MasterSample | null;
  /** Statistics of the last hour (by the latest sample's time), oldest first: the sparklines. */
  history: readonly MasterSample[];
  /** The latest sign of a paused master: a SLEEP true to a slave not asleep alone, or our own pause. */
  sleepAt: number | null;
  /** The latest sign of a running master: a SLEEP false or BUILD to a slave, or our own resume. */
  runningAt: number | null;
  /** When this monitor sent QUIT (monitor's clock); null if it has not, or the master restarted since. */
  quitAt: number | null;
}

export interface FarmContext {
  /** The latest time an event carried (monitor's clock). */
  now: number;
  master: FarmMaster;
  slaves: ReadonlyMap<number, FarmSlave>;
}

export type FarmEvent =
  /** Messages of the status queue received together, in order, at `at`. */
  | { type: 'STATUS'; at: number; messages: readonly StatusMessage[] }
  /** The clock, about once a second. */
  | { type: 'TICK'; now: number }
  /** The status socket is connected to the master (ZeroMQ's handshake). */
  | { type: 'LINK_UP'; at: number }
  /** The status socket lost its master (ZeroMQ's disconnect; it keeps reconnecting). */
  | { type: 'LINK_DOWN'; at: number }
  /** A control message this monitor has sent. */
  | { type: 'CONTROL'; at: number; msg: ControlMessage };

export interface FarmInput {
  /** The monitor's clock at start. */
  now: number;
}
