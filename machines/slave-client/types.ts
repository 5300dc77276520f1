/**
 * The slave client's interface (the build slave's side of the slave protocol, protocols/README.md §4.1,
 * behaviours 181–195): what piw-slave passes in, the events it forwards, the actions and actors it must
 * provide, and the outcome it gets when the conversation ends. The machine itself is in `machine.ts`.
 */
import type { FileStateWire, Message, SlaveHelloWire, SlaveStatsWire, TimeDelta } from '../../protocols/index.js';
import type { slaveClientProtocol } from '../../protocols/index.js';
import type { ErrorCode } from '../../protocols/errors.js';
import type { LogEntry } from '../common/log-entry.js';

export type { LogEntry, SlaveHelloWire, SlaveStatsWire };

/** A message to the master, ready for the protocol's `encode`. */
export type MasterRequest = Message<typeof slaveClientProtocol.send>;
/** A reply from the master, as the protocol's `decode` returns it. */
export type MasterReply = Message<typeof slaveClientProtocol.recv>;

/** BUILT data: `[status, duration, output, files]`. */
export type BuiltData = [boolean, TimeDelta, string, FileStateWire[]];

// ---------------------------------------------------------------------------------------------- input

export interface SlaveClientInput {
  /**
   * What HELLO says (protocols/README.md §3.3): `[build_timeout, master_timeout, py_version_tag, abi_tag,
   * platform_tag, label, os_name, os_version, board_revision, board_serial]`. The master timeout is also
   * how long this slave waits for any reply before it starts over (behaviour 191).
   */
  hello: SlaveHelloWire;
}

// --------------------------------------------------------------------------------------------- events

/** A reply from the master, decoded and validated by piw-slave. */
export type MasterReplyEvent = MasterReply extends infer R
  ? R extends { verb: infer V; data?: infer D }
    ? { type: V; data: D }
    : never
  : never;

export type SlaveClientEvent =
  | MasterReplyEvent
  /** A reply that failed to decode or validate: fatal, like any unexpected reply (behaviour 190). */
  | { type: 'BAD_REPLY'; error: unknown }
  /** SIGTERM or Ctrl+C: stop the build, clean up, say BYE, finish (behaviour 190). */
  | { type: 'STOP' };

// -------------------------------------------------------------------------------------------- context

export interface SlaveClientJob {
  package: string;
  version: string;
}

export type SlaveClientOutcome =
  /** The master said DIE. */
  | { reason: 'dismissed' }
  /** STOP (SIGTERM). */
  | { reason: 'stopped' }
  /** A reply out of order or invalid: the slave is deliberately brittle (behaviour 192). */
  | { reason: 'protocol-error'; message: string }
  /** A build would not stop within its grace period (behaviour 189). */
  | { reason: 'stuck'; message: string }
  /** The machine's statistics could not be read, so IDLE / BUSY could not be sent. */
  | { reason: 'failed'; message: string };

export interface SlaveClientContext {
  hello: SlaveHelloWire;
  masterTimeoutMs: number;
  /** From ACK; null until then and after a restart. */
  slaveId: number | null;
  indexUrl: string | null;
  /** From BUILD until the build's files are cleaned up. */
  job: SlaveClientJob | null;
  /** BUILT data, once the build has finished. */
  result: BuiltData | null;
  /** The file being transferred (from SEND). */
  filename: string | null;
  /** Why the conversation ends, once it is ending. */
  outcome: SlaveClientOutcome | null;
}

// -------------------------------------------------------------------------------------------- actions

/**
 * Side effects piw-slave provides with `machine.provide({ actions })`. `send` may be called while a
 * request is still unanswered (BYE on STOP), so the REQ socket should be relaxed (zeromq `relaxed: true`,
 * `correlate: true`) or emulated with a DEALER.
 */
export interface SlaveClientActions {
  /** Send this request to the master. */
  send: MasterRequest;
  /** Close the connection to the master and open a fresh one (a new identity, so a new slave id). */
  reconnect: undefined;
  log: LogEntry;
}

// --------------------------------------------------------------------------------------------- actors

/** `build`: run `pip wheel` for the job (A.3); resolve with BUILT data, also for a failed build. */
export interface BuildInput {
  package: string;
  version: string;
  /** The index URL from ACK. */
  indexUrl: string;
  /** The build timeout this slave announced; piw-slave enforces it by killing the build's process group. */
  buildTimeout: TimeDelta;
}
/**
 * `transfer`: send the file over the file-transfer protocol (§6); resolve once the master said DONE.
 * Reject with an error whose `code` is `MASTER_SILENT` when the master said nothing at all for the
 * transfer's silence limit: the master is presumed gone (restarted, say, when the new one has no EXPECT
 * for this slave and so never answers), and the slave starts over from HELLO at once instead of saying SENT
 * to a master that may not know it. Any other failure is followed by SENT, for the master's VERIFY to judge.
 */
export interface TransferInput {
  slaveId: number;
  filename: string;
  package: string;
  version: string;
}
/**
 * `cleanup`: make sure no build is running (the build actor has already been told to stop; wait up to
 * its grace period) and delete the job's files. Reject when the build would not stop (behaviour 189).
 * Called with a null job when there is nothing to clean.
 */
export interface CleanupInput {
  job: SlaveClientJob | null;
}

/** A `transfer` failure with this code means the master fell silent (machines/file-transfer's TransferError). */
export const MASTER_SILENT: ErrorCode = 'PIW_ERR_TRANSFER_TIMEOUT';
