/** Errors of the monitor client (piw-monitor, piw-sense), with stable codes. */
import { PiwError } from '../../protocols/errors.js';

export type MonitorErrorCode =
  /** A control message while no master is connected: it would reach whichever master comes next. */
  | 'PIW_ERR_MONITOR_NO_MASTER'
  /** The control queue did not take the message in time (the master is not reading it). */
  | 'PIW_ERR_MONITOR_CONTROL_TIMEOUT'
  /** The client has been closed. */
  | 'PIW_ERR_MONITOR_CLOSED';

export class MonitorError extends PiwError {
  constructor(code: MonitorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'MonitorError';
  }
}
