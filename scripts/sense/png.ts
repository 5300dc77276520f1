/**
 * A picture of the LED matrix as a PNG (8-bit RGB, one IDAT, Node's zlib): each LED a square with
 * rounded corners on a dark board, drawn from a Frame exactly as the matrix would show it (unlit LEDs
 * a little lighter than the board, so the grid shows).
 */
import { crc32, deflateSync } from 'node:zlib';
import type { Frame } from '../../actors/sense/display/frame.js';
import { SIZE } from '../../actors/sense/display/frame.js';

export interface LedPictureOptions {
  /** Pixels per LED, gap included. */
  cell?: number;
  /** Pixels between LEDs (and around the matrix). */
  gap?: number;
}

const BOARD = [0x12, 0x12, 0x12] as const;
const UNLIT = [0x26, 0x26, 0x26] as const;

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGB image as a PNG file's bytes; `rgb` holds width × height × 3 bytes, row by row. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter method choice, no interlace
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    raw[y * (1 + width * 3)] = 0; // filter: none
    raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (1 + width * 3) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Where LED (x, y)'s square starts in the picture, and its side. */
export function ledBox(x: number, y: number, opts: LedPictureOptions = {}): { left: number; top: number; side: number } {
  const cell = opts.cell ?? 36;
  const gap = opts.gap ?? 8;
  return { left: gap + x * cell, top: gap + y * cell, side: cell - gap };
}

/** The frame drawn as LEDs: returns the picture's size and pixels. */
export function drawLeds(frames: readonly Frame[], opts: LedPictureOptions = {}): { width: number; height: number; rgb: Uint8Array } {
  const cell = opts.cell ?? 36;
  const gap = opts.gap ?? 8;
  const panel = gap + SIZE * cell;
  const width = frames.length * panel + gap * (frames.length - 1) * 2;
  const height = panel;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(BOARD, i * 3);
  const radius = Math.max(1, Math.floor((cell - gap) / 6));
  frames.forEach((frame, n) => {
    const origin = n * (panel + gap * 2);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const lit = frame.get(x, y);
        const colour = lit[0] + lit[1] + lit[2] === 0 ? UNLIT : lit;
        const { left, top, side } = ledBox(x, y, opts);
        for (let dy = 0; dy < side; dy++) {
          for (let dx = 0; dx < side; dx++) {
            // round the corners: leave out what lies outside a circle of `radius` in each corner
            const cx = Math.max(radius - dx, dx - (side - 1 - radius), 0);
            const cy = Math.max(radius - dy, dy - (side - 1 - radius), 0);
            if (cx * cx + cy * cy > radius * radius) continue;
            rgb.set(colour, ((top + dy) * width + origin + left + dx) * 3);
          }
        }
      }
    }
  });
  return { width, height, rgb };
}
