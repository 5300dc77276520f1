/**
 * A process that notifies as the daemons do, for tests of the real sender: libsystemd reads the process's
 * own NOTIFY_SOCKET, which a jest test cannot set (jest gives each test file a copy of the environment).
 * Sends STATUS and READY, lets the watchdog (if any) ping `argv[2]` times, with `block` as `argv[3]` then
 * blocks its event loop for five watchdog intervals between two STATUS lines and lets it ping twice
 * more, then sends STOPPING and EXTEND_TIMEOUT_USEC and exits.
 */
import { serviceNotifier } from '../../../../actors/systemd/index.js';

const pings = Number(process.argv[2] ?? 0);
const notifier = serviceNotifier();
const interval = notifier.watchdogIntervalMs ?? 0;
const idle = (intervals: number) => new Promise((resolve) => setTimeout(resolve, interval * intervals + interval / 2));
notifier.status('starting task seraph (1 of 10)');
notifier.ready('0 slaves (0 building)');
if (pings > 0) await idle(pings);
if (process.argv[3] === 'block') {
  notifier.status('blocking the event loop');
  const until = Date.now() + interval * 5;
  while (Date.now() < until) {
    // a hung loop: nothing else runs
  }
  notifier.status('event loop free again');
  await idle(2);
}
notifier.stopping('stopping on SIGTERM');
notifier.extendTimeout(15_000, 'stopping task mr_chase');
notifier.close();
