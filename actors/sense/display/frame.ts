/**
 * One picture of the 8x8 LED matrix: 64 RGB pixels, row-major, (0, 0) at the top left of the picture as
 * the operator sees it (rotation.ts turns it to the matrix's own orientation).
 */
import type { Rgb } from './colour.js';

export const SIZE = 8;

export class Frame {
  /** R, G, B bytes of each pixel, row by row. */
  readonly rgb = new Uint8Array(SIZE * SIZE * 3);

  static filled(colour: Rgb): Frame {
    return new Frame().fill(colour);
  }

  get(x: number, y: number): Rgb {
    const i = (y * SIZE + x) * 3;
    return [this.rgb[i]!, this.rgb[i + 1]!, this.rgb[i + 2]!];
  }

  /** Sets a pixel; one outside the matrix is ignored, so callers may draw across its edges. */
  set(x: number, y: number, colour: Rgb): this {
    if (x < 0 || x >= SIZE || y < 0 || y >= SIZE) return this;
    const i = (y * SIZE + x) * 3;
    this.rgb[i] = channel(colour[0]);
    this.rgb[i + 1] = channel(colour[1]);
    this.rgb[i + 2] = channel(colour[2]);
    return this;
  }

  fill(colour: Rgb): this {
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) this.set(x, y, colour);
    return this;
  }

  /** Rows of `#rrggbb`, for tests and messages. */
  toHexRows(): string[][] {
    const rows: string[][] = [];
    for (let y = 0; y < SIZE; y++) {
      const row: string[] = [];
      for (let x = 0; x < SIZE; x++) row.push(`#${this.get(x, y).map((c) => c.toString(16).padStart(2, '0')).join('')}`);
      rows.push(row);
    }
    return rows;
  }
}

function channel(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value)));
}
