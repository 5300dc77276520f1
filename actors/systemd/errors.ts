/** Errors of the systemd adapter, with stable codes. */
import { PiwError } from '../../protocols/errors.js';

export type SystemdErrorCode =
  /** NOTIFY_SOCKET is set but the sd_notify binding (the sd-notify package, built against libsystemd) cannot be loaded. */
  | 'PIW_ERR_SD_NOTIFY_UNAVAILABLE'
  /** WATCHDOG_USEC is not a whole number of microseconds above zero. */
  | 'PIW_ERR_SD_WATCHDOG';

export class SystemdError extends PiwError {
  constructor(code: SystemdErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'SystemdError';
  }
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const systemdErrors = {
  unavailable: (cause: unknown) =>
    new SystemdError(
      'PIW_ERR_SD_NOTIFY_UNAVAILABLE',
      `systemd gave this service a NOTIFY_SOCKET, but sd_notify cannot be loaded (${describe(cause)}); ` +
        'install libsystemd-dev and then npm ci again (sd-notify is an optional dependency, left out where it cannot be built), or run the unit as Type=simple',
      { cause },
    ),
  watchdog: (value: string) =>
    new SystemdError('PIW_ERR_SD_WATCHDOG', `WATCHDOG_USEC=${JSON.stringify(value)} is not a whole number of microseconds above zero`),
};
