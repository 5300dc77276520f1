/**
 * Why piw-slave stops short (codes `PIW_ERR_SLAVE_*`). Each is fatal: the slave says BYE if it is
 * connected and ends with a non-zero status; restarting it is the service manager's job, as in 0.18.
 */
import { defineError } from '../../../protocols/errors.js';

/** Behaviour 181: a clock before 2020-06-01 would stamp every statistic and build wrongly. */
export const SlaveClockError = defineError(
  'PIW_ERR_SLAVE_CLOCK',
  (now: Date) => `the system clock (${now.toISOString()}) is before 2020-06-01; set the clock before starting the slave`,
);

/** Behaviours 190, 192: a reply the slave cannot read, or one the protocol does not allow where it came. */
export const SlaveProtocolError = defineError(
  'PIW_ERR_SLAVE_PROTOCOL',
  (what: string) => `protocol error: ${what}`,
);

/** Behaviour 189: a build that would not end within the grace period after it was told to stop. */
export const SlaveBuildStuckError = defineError(
  'PIW_ERR_SLAVE_BUILD_STUCK',
  (build: string, seconds: number) => `the build of ${build} did not stop within ${seconds} s of being told to; giving up`,
);
