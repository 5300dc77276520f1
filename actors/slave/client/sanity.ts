/**
 * The clock check piw-slave makes before it connects (behaviour 181): a Pi without a real-time clock boots
 * in 1970 until NTP answers, and would stamp every statistic wrongly. (The other check, not root, is
 * cli/common's refuseRoot, shared with piw-master.)
 */
import { slaveErrors } from './errors.js';

/** 0.18's floor: any earlier time means the clock has not been set. */
export const EARLIEST_CLOCK = new Date(Date.UTC(2020, 5, 1));

export function checkClock(now: Date = new Date()): void {
  if (now.getTime() < EARLIEST_CLOCK.getTime()) throw slaveErrors.clock(now);
}
