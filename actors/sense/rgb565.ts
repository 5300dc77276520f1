/**
 * The matrix framebuffer's pixel format: 16-bit RGB565, little-endian, row-major, pixel (x, y) at byte
 * (y*8+x)*2: 128 bytes a frame.
 */
import type { Rgb } from './display/colour.js';
import { Frame, SIZE } from './display/frame.js';

export const FRAME_BYTES = SIZE * SIZE * 2;

export function toRgb565(frame: Frame): Buffer {
  const out = Buffer.alloc(FRAME_BYTES);
  for (let i = 0; i < SIZE * SIZE; i++) {
    const [r, g, b] = [frame.rgb[i * 3]!, frame.rgb[i * 3 + 1]!, frame.rgb[i * 3 + 2]!];
    out.writeUInt16LE(((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3), i * 2);
  }
  return out;
}

/** One pixel back as RGB, the low bits filled from the high ones (31 → 255). */
export function rgb565Pixel(bytes: Uint8Array, x: number, y: number): Rgb {
  const value = bytes[(y * SIZE + x) * 2]! | (bytes[(y * SIZE + x) * 2 + 1]! << 8);
  const r5 = value >> 11;
  const g6 = (value >> 5) & 0x3f;
  const b5 = value & 0x1f;
  return [(r5 << 3) | (r5 >> 2), (g6 << 2) | (g6 >> 4), (b5 << 3) | (b5 >> 2)];
}
