/**
 * A Sense HAT in a temp dir of its own (scripts/sense/stand-in-hat.ts), with the means to press its keys
 * and read its LEDs. The joystick's writer is opened only once a key is pressed, after piw-sense has
 * opened the reader (opening a FIFO for writing blocks until it has a reader).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { rgb565Pixel } from '../../../actors/sense/rgb565.js';
import type { Rgb } from '../../../actors/sense/display/colour.js';
import { layOutHat } from '../../../scripts/sense/stand-in-hat.js';

export const KEY = { up: 103, down: 108, left: 105, right: 106, enter: 28 } as const;
export const PRESS = 1;
export const RELEASE = 0;
export const HOLD = 2;

/** One `input_event` record: 24 bytes (64-bit) or 16 (32-bit); type 1 (EV_KEY) unless told. */
export function inputEvent(code: number, value: number, opts: { size?: 16 | 24; type?: number; at?: Date } = {}): Buffer {
  const size = opts.size ?? 24;
  const ms = (opts.at ?? new Date(1_700_000_000_250)).getTime();
  const b = Buffer.alloc(size);
  let at = 0;
  if (size === 24) {
    b.writeBigInt64LE(BigInt(Math.floor(ms / 1000)), 0);
    b.writeBigInt64LE(BigInt((ms % 1000) * 1000), 8);
    at = 16;
  } else {
    b.writeInt32LE(Math.floor(ms / 1000), 0);
    b.writeInt32LE((ms % 1000) * 1000, 4);
    at = 8;
  }
  b.writeUInt16LE(opts.type ?? 1, at);
  b.writeUInt16LE(code, at + 2);
  b.writeInt32LE(value, at + 4);
  return b;
}

/** A key pressed and let go, with the EV_SYN record the kernel puts after each (ignored by readers). */
export function tap(code: number): Buffer {
  return Buffer.concat([inputEvent(code, PRESS), inputEvent(0, 0, { type: 0 }), inputEvent(code, RELEASE), inputEvent(0, 0, { type: 0 })]);
}

export class FakeHat {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'piw-sense-hat-'));
  readonly framebuffer: string;
  readonly joystick: string;
  private writer: FileHandle | null = null;

  constructor(parts: { matrix?: boolean; stick?: boolean } = {}) {
    ({ framebuffer: this.framebuffer, joystick: this.joystick } = layOutHat(this.root, parts));
  }

  /** The matrix's bytes now. */
  bytes(): Buffer {
    return readFileSync(this.framebuffer);
  }

  /** Pixel (x, y) of the matrix as its device holds it, back to RGB (RGB565's precision). */
  pixel(x: number, y: number): Rgb {
    return rgb565Pixel(this.bytes(), x, y);
  }

  /** Writes records to the joystick, opening its writer the first time. */
  async send(bytes: Buffer): Promise<void> {
    this.writer ??= await open(this.joystick, 'w');
    await this.writer.write(bytes);
  }

  /** Closes the joystick's writer: its reader sees the end. */
  async unplug(): Promise<void> {
    await this.writer?.close();
    this.writer = null;
  }

  async remove(): Promise<void> {
    await this.unplug();
    rmSync(this.root, { recursive: true, force: true });
  }
}
