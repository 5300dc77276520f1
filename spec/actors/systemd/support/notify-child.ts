/**
 * A process that notifies as the daemons do, for tests of the real sender: libsystemd reads the process's
 * own NOTIFY_SOCKET, which a jest test cannot set (jest gives each test file a copy of the environment).
 * Sends STATUS, READY, STOPPING and EXTEND_TIMEOUT_USEC, lets the watchdog (if any) ping `argv[2]` times,
 * then exits.
 */
import { serviceNotifier } from '../../../../actors/systemd/index.js';

const pings = Number(process.argv[2] ?? 0);
const notifier = serviceNotifier();
notifier.status('starting task seraph (1 of 10)');
notifier.ready('0 slaves (0 building)');
if (pings > 0) await new Promise((resolve) => setTimeout(resolve, notifier.watchdogIntervalMs! * pings + notifier.watchdogIntervalMs! / 2));
notifier.stopping('stopping on SIGTERM');
notifier.extendTimeout(15_000, 'stopping task mr_chase');
notifier.close();
