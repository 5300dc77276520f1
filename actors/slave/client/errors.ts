/**
 * Why piw-slave stops short. Each is fatal: the slave says BYE if it is connected and ends with a
 * non-zero status; restarting it is the service manager's job, as in 0.18.
 */
import { defineErrors, PiwError } from '../../../protocols/errors.js';

export class SlaveError extends PiwError {}

export const slaveErrors = defineErrors(SlaveError, {
  clock: [
    'PIW_ERR_SLAVE_CLOCK',
    (now: Date) => `the system clock (${now.toISOString()}) is before 2020-06-01; set the clock before starting the slave`,
  ],
  protocol: ['PIW_ERR_SLAVE_PROTOCOL', (what: string) => `protocol error: ${what}`],
  buildStuck: [
    'PIW_ERR_SLAVE_BUILD_STUCK',
    (build: string, seconds: number) => `the build of ${build} did not stop within ${seconds} s of being told to`,
  ],
  /** The slave-client machine's words for a build that would not stop. */
  stuck: ['PIW_ERR_SLAVE_BUILD_STUCK', (message: string) => message],
  stats: ['PIW_ERR_SLAVE_STATS', (message: string) => message],
});
