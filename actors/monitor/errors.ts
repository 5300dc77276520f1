/** Errors of the monitor client (piw-monitor, piw-sense), with stable codes. */
import { defineErrors, PiwError } from '../../protocols/errors.js';

export class MonitorError extends PiwError {}

export const monitorErrors = defineErrors(MonitorError, {
  closed: ['PIW_ERR_MONITOR_CLOSED', () => 'the monitor client is closed'],
  noMaster: ['PIW_ERR_MONITOR_NO_MASTER', (address: string, verb: string) => `no master is connected at ${address}; ${verb} was not sent`],
  controlTimeout: [
    'PIW_ERR_MONITOR_CONTROL_TIMEOUT',
    (address: string, verb: string, ms: number) => `the master's control queue at ${address} did not take ${verb} within ${ms} ms`,
  ],
});
