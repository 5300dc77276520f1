/**
 * `createSlaveClientMachine(services)`: the slave-client machine with every side effect supplied as a
 * plain function; piw-slave runs one actor of it per process (`createActor(machine, { input: { hello } })`).
 * Drawing tools use `slaveClientMachine` (the placeholders) directly.
 */
import { fromPromise } from 'xstate';
import { slaveClientMachine } from './machine.js';
import type { BuildInput, BuiltData, CleanupInput, LogEntry, MasterRequest, SlaveStatsWire, TransferInput } from './types.js';

export interface SlaveClientServices {
  /** Send a request to the master on the slave queue. */
  send(request: MasterRequest): void;
  /** Close the slave-queue connection and open a new one (after the master timed out). */
  reconnect(): void;
  log(entry: LogEntry): void;
  /** IDLE/BUSY statistics of this machine and its build directory (protocols/README.md §3.4). */
  collectStats(signal: AbortSignal): Promise<SlaveStatsWire>;
  /** Build the job; resolve with BUILT data (a failed build resolves too). The signal means: stop it. */
  build(input: BuildInput, signal: AbortSignal): Promise<BuiltData>;
  /** Send one of the build's wheels over the file queue; reject with code MASTER_SILENT if the master fell silent. */
  transfer(input: TransferInput, signal: AbortSignal): Promise<void>;
  /** Wait for a stopped build to end (its grace period) and delete its files; reject if it will not stop. */
  cleanup(input: CleanupInput, signal: AbortSignal): Promise<void>;
  /** The pause after SLEEP before the next IDLE: a random 5–10 s in 0.18 (behaviour 184). */
  sleepPauseMs(): number;
  /** How long CONT waits for the build before answering BUSY: a random 5–10 s (behaviour 186). */
  contWaitMs(): number;
}

export function createSlaveClientMachine(services: SlaveClientServices) {
  return slaveClientMachine.provide({
    actions: {
      send: (_, request) => services.send(request),
      reconnect: () => services.reconnect(),
      log: (_, entry) => services.log(entry),
    },
    actors: {
      collectStats: fromPromise<SlaveStatsWire, void>(({ signal }) => services.collectStats(signal)),
      build: fromPromise<BuiltData, BuildInput>(({ input, signal }) => services.build(input, signal)),
      transfer: fromPromise<void, TransferInput>(({ input, signal }) => services.transfer(input, signal)),
      cleanup: fromPromise<void, CleanupInput>(({ input, signal }) => services.cleanup(input, signal)),
    },
    delays: {
      sleepPause: () => services.sleepPauseMs(),
      contWait: () => services.contWaitMs(),
    },
  });
}
