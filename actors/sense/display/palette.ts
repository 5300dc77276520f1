/**
 * What each colour means on the matrix (manual 5.3.1), in 0.18's shades: dim, because the LEDs are bright.
 */
import { isLongBuild, slaveState, type FarmSlave, type SlaveState } from '../../../machines/farm/index.js';
import { BLUE, hex, RED, WHITE, type Rgb } from './colour.js';

export const SLAVE_COLOURS: Record<SlaveState | 'longBuild', Rgb> = {
  idle: hex('#333'), // grey
  building: hex('#060'), // green
  sending: hex('#007'), // blue
  cleaning: hex('#707'), // purple
  longBuild: hex('#760'), // yellow: building for more than 15 minutes
  timedOut: RED,
  killed: RED,
};

/** The three statistics rows: white over blue. */
export const BAR_EMPTY = BLUE;
export const BAR_FULL = WHITE;

/** Text of the statistics screens (0.18's "gray"), and of everything else. */
export const STATS_TEXT = hex('#808080');
export const TEXT = WHITE;
export const WARNING_TEXT = RED;

/** A slave's pixel: red for one gone or going wins over a long build's yellow. */
export function slaveColour(slave: FarmSlave, now: number): Rgb {
  const state = slaveState(slave, now);
  return state === 'building' && isLongBuild(slave, now) ? SLAVE_COLOURS.longBuild : SLAVE_COLOURS[state];
}
