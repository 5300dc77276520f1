/**
 * What piw-slave tells systemd (actors/systemd) about itself, from its slave-client machine:
 *
 *   STATUS     one line per state an operator cares about, e.g. `waiting for master at tcp://m:5555`,
 *              `idle (slave 3)`, `building numpy 2.1.0 (slave 3)`, `sending numpy-2.1.0-…whl to master`
 *   READY=1    at the master's first ACK; or, if none came within `readyWaitMs`, anyway, with a STATUS
 *              saying the slave is still trying (the slave retries for ever: a master down for the night
 *              must not fail the unit, nor let systemd's start limit reboot the Pi as 0.18's unit would)
 *   STOPPING=1 when the slave is told to stop; while a build is stopped, EXTEND_TIMEOUT_USEC for the
 *              build's grace period and the BYE
 */
import type { SnapshotFrom } from 'xstate';
import type { slaveClientMachine } from '../../../machines/slave-client/machine.js';
import type { ServiceNotifier } from '../../systemd/index.js';

type SlaveSnapshot = SnapshotFrom<typeof slaveClientMachine>;

/** How long a slave waits for its master's ACK before it tells systemd it is ready anyway. */
export const SLAVE_READY_WAIT_MS = 10_000;

/** The STATUS line for a state of the slave-client machine. */
export function describeSlave(snapshot: SlaveSnapshot, master: string): string {
  const { slaveId, job, filename } = snapshot.context;
  const as = slaveId === null ? '' : ` (slave ${slaveId})`;
  const what = job === null ? '' : `${job.package} ${job.version}`;
  if (snapshot.status === 'done' || snapshot.matches('leaving') || snapshot.matches('gone')) return 'stopping';
  if (snapshot.matches({ active: 'greeting' })) return `waiting for master at ${master}`;
  if (snapshot.matches({ active: 'resetting' })) return `master at ${master} silent; starting over`;
  if (snapshot.matches({ active: 'sleeping' })) return `idle; the master has nothing to build${as}`;
  if (snapshot.matches({ active: 'cleaningUp' })) return `cleaning up after ${what}${as}`;
  if (snapshot.matches({ active: { job: 'transferring' } })) return `sending ${filename} to master${as}`;
  if (snapshot.matches({ active: 'job' })) return `${snapshot.context.result === null ? 'building' : 'built'} ${what}${as}`;
  return `idle${as}`;
}

export interface SlaveServiceReport {
  /** Called with every snapshot of the slave-client machine. */
  update(snapshot: SlaveSnapshot): void;
  /** The slave was told to stop (SIGTERM); `buildStopMs` bounds how long stopping a build and BYE may take. */
  stopping(reason: string, buildStopMs: number): void;
  close(): void;
}

/** Reports the slave's states to `notifier`; `master` is the slave queue's address, for STATUS lines. */
export function reportSlave(notifier: ServiceNotifier, master: string, readyWaitMs = SLAVE_READY_WAIT_MS): SlaveServiceReport {
  let building = false;
  let last = `waiting for master at ${master}`;
  notifier.status(last);
  const readyAnyway = setTimeout(() => notifier.ready(`${last} (no answer in ${Math.round(readyWaitMs / 1000)} s; still trying)`), readyWaitMs);
  readyAnyway.unref();
  return {
    update(snapshot) {
      building = snapshot.context.job !== null;
      last = describeSlave(snapshot, master);
      if (snapshot.context.slaveId !== null) {
        clearTimeout(readyAnyway);
        notifier.ready(last);
      }
      notifier.status(last);
    },
    stopping(reason, buildStopMs) {
      clearTimeout(readyAnyway);
      notifier.stopping(`stopping: ${reason}`);
      if (building) notifier.extendTimeout(buildStopMs, `stopping: ${reason}; stopping the build`);
    },
    close() {
      clearTimeout(readyAnyway);
    },
  };
}
