/** Errors of the systemd adapter, with stable codes. */
import { defineErrors, messageOf, PiwError } from '../../protocols/errors.js';

export class SystemdError extends PiwError {}

export const systemdErrors = defineErrors(SystemdError, {
  unavailable: [
    'PIW_ERR_SD_NOTIFY_UNAVAILABLE',
    (cause: unknown) => ({
      message:
        `systemd gave this service a NOTIFY_SOCKET, but sd_notify cannot be loaded (${messageOf(cause)}); ` +
        'install libsystemd-dev and then npm ci again (sd-notify is an optional dependency, left out where it cannot be built), or run the unit as Type=simple',
      cause,
    }),
  ],
  watchdog: ['PIW_ERR_SD_WATCHDOG', (value: string) => `WATCHDOG_USEC=${JSON.stringify(value)} is not a whole number of microseconds above zero`],
});
