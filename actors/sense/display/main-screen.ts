/**
 * The main screen (manual 5.3.1): three statistics rows, then one pixel per slave, and the cursor.
 *
 *   row 0  time since the master was last heard: one white pixel per 30/8 s over blue, the next pixel
 *          part-way; after 30 s of silence the whole row pulses red until a message comes
 *   row 1  free space of the master's output disk: one white pixel per 12.5 %
 *   row 2  builds waiting, all ABIs: one white pixel per 8 builds, the next part-way (full at 64)
 *   3–7    the slaves in display order (ABI, then label), down each column then across; 40 fit
 */
import { masterSummary, SILENT_MS, type FarmContext } from '../../../machines/farm/index.js';
import { mix, pulse, RED, WHITE, type Rgb } from './colour.js';
import { Frame, SIZE } from './frame.js';
import { cursorOf, SLAVE_TOP, type NavigationContext } from '../../../machines/sense/navigation.js';
import { displayOrder } from './order.js';
import { BAR_EMPTY, BAR_FULL, slaveColour } from './palette.js';

/** Shades the cursor and the red ping row pulse through, one a frame (0.18: 15, back and forth). */
export const PULSE_STEPS = 15;
/** Builds a pixel of the queue row stands for. */
export const BUILDS_PER_PIXEL = 8;

/** Row `y` as a bar of `value` pixels (0–8, fractions shown as a part-lit pixel). */
export function drawBar(frame: Frame, y: number, value: number): void {
  const v = Math.min(SIZE, Math.max(0, value));
  for (let x = 0; x < SIZE; x++) frame.set(x, y, x < Math.floor(v) ? BAR_FULL : x < v ? mix(BAR_EMPTY, BAR_FULL, v - x) : BAR_EMPTY);
}

/** The cursor: its pixel's own colour pulsing to white and back. */
export function cursorColour(under: Rgb, frame: number): Rgb {
  return mix(under, WHITE, pulse(frame, PULSE_STEPS));
}

export function drawMainScreen(frame: Frame, farm: FarmContext, nav: NavigationContext, now: number): Frame {
  const summary = masterSummary(farm, now);
  const heard = summary.lastHeardMs ?? 0;
  if (heard > SILENT_MS) {
    const red = mix([0, 0, 0], RED, pulse(nav.frame, PULSE_STEPS));
    for (let x = 0; x < SIZE; x++) frame.set(x, 0, red);
  } else {
    drawBar(frame, 0, (SIZE * heard) / SILENT_MS);
  }
  drawBar(frame, 1, SIZE * (summary.diskFreeRatio ?? 0));
  drawBar(frame, 2, (summary.queue ?? 0) / BUILDS_PER_PIXEL);

  displayOrder(farm).forEach((slave, index) => {
    const at = cursorOf(index);
    if (at) frame.set(at.x, SLAVE_TOP + at.y, slaveColour(slave, now));
  });
  const { x, y } = nav.cursor;
  frame.set(x, SLAVE_TOP + y, cursorColour(frame.get(x, SLAVE_TOP + y), nav.frame));
  return frame;
}
