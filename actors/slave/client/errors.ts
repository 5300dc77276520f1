/**
 * Why piw-slave stops short. Each is fatal: the slave says BYE if it is connected and ends with a
 * non-zero status; restarting it is the service manager's job, as in 0.18.
 */
import { PiwError } from '../../../protocols/errors.js';

export type SlaveErrorCode =
  /** Behaviour 181: the clock is before 2020-06-01. */
  | 'PIW_ERR_SLAVE_CLOCK'
  /** Behaviours 190, 192: a reply the slave cannot read, or one the protocol does not allow where it came. */
  | 'PIW_ERR_SLAVE_PROTOCOL'
  /** Behaviour 189: a build that would not end within the grace period after it was told to stop. */
  | 'PIW_ERR_SLAVE_BUILD_STUCK'
  /** The machine's statistics (IDLE/BUSY) could not be read. */
  | 'PIW_ERR_SLAVE_STATS';

export class SlaveError extends PiwError {
  constructor(code: SlaveErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'SlaveError';
  }
}

export const slaveErrors = {
  clock: (now: Date) =>
    new SlaveError('PIW_ERR_SLAVE_CLOCK', `the system clock (${now.toISOString()}) is before 2020-06-01; set the clock before starting the slave`),
  protocol: (what: string) => new SlaveError('PIW_ERR_SLAVE_PROTOCOL', `protocol error: ${what}`),
  buildStuck: (build: string, seconds: number) =>
    new SlaveError('PIW_ERR_SLAVE_BUILD_STUCK', `the build of ${build} did not stop within ${seconds} s of being told to`),
  /** The slave-client machine's words for a build that would not stop. */
  stuck: (message: string) => new SlaveError('PIW_ERR_SLAVE_BUILD_STUCK', message),
  stats: (message: string) => new SlaveError('PIW_ERR_SLAVE_STATS', message),
};
