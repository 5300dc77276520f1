/**
 * `-r/--rotate`: how the HAT is mounted. The picture is drawn upright and turned to the matrix's own
 * layout; the joystick's keys are turned back, so "up" is always up on the picture (pisense's rules:
 * each 90° turns the picture a quarter counter-clockwise on the matrix, and the joystick's UP reads as
 * RIGHT, LEFT as UP, DOWN as LEFT, RIGHT as DOWN).
 */
import { Frame, SIZE } from './frame.js';

export const ROTATIONS = [0, 90, 180, 270] as const;
export type Rotation = (typeof ROTATIONS)[number];

export type StickDirection = 'up' | 'down' | 'left' | 'right' | 'enter';

/** The matrix pixel that shows picture pixel (x, y). */
export function matrixPixel(x: number, y: number, rotation: Rotation): [number, number] {
  let [px, py] = [x, y];
  for (let r = 0; r < rotation; r += 90) [px, py] = [py, SIZE - 1 - px];
  return [px, py];
}

/** The picture as the matrix must show it. */
export function rotateFrame(frame: Frame, rotation: Rotation): Frame {
  if (rotation === 0) return frame;
  const out = new Frame();
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const [px, py] = matrixPixel(x, y, rotation);
      out.set(px, py, frame.get(x, y));
    }
  }
  return out;
}

const QUARTER_TURN: Record<StickDirection, StickDirection> = { up: 'right', left: 'up', down: 'left', right: 'down', enter: 'enter' };

/** The direction on the picture of a joystick key pressed on the HAT. */
export function pictureDirection(key: StickDirection, rotation: Rotation): StickDirection {
  let d = key;
  for (let r = 0; r < rotation; r += 90) d = QUARTER_TURN[d];
  return d;
}
