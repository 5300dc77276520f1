/**
 * The joystick: the evdev device's `input_event` records, read as they come and turned into `sense_stick`
 * messages (protocols/README.md §4.13) with the direction as seen on the picture (the HAT's rotation applied).
 *
 * A record is `struct timeval` (seconds, microseconds: two longs), u16 type, u16 code, s32 value: 24 bytes
 * where a long is 64-bit, 16 on 32-bit userlands such as Raspberry Pi OS armhf (time64 or not: the kernel
 * keeps longs there). Only key events (type 1) of the five keys count; value 0 is a release, 1 a press,
 * 2 the kernel's auto-repeat while held. As pisense did, `held` is also set on the release of a key that
 * was held.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { setTimeout } from 'node:timers/promises';
import { pictureDirection, type Rotation, type StickDirection } from './display/rotation.js';
import type { StickMessage } from './stick-events.js';
import { senseStickProtocol } from '../../protocols/sense-stick.js';
import { senseErrors } from './errors.js';

const EV_KEY = 1;
const KEYS: Record<number, StickDirection> = { 103: 'up', 108: 'down', 105: 'left', 106: 'right', 28: 'enter' };
const RELEASE = 0;
const HOLD = 2;

/** What the joystick hands the screen: validated as the joystick side of `sense_stick`. */
const stickSide = senseStickProtocol.mirror();

const THIRTY_TWO_BIT = new Set(['arm', 'ia32', 'mips', 'mipsel', 'ppc', 's390']);

/** The size of one `input_event` on this machine. */
export function inputEventSize(arch: string = process.arch): 16 | 24 {
  return THIRTY_TWO_BIT.has(arch) ? 16 : 24;
}

/** Turns a byte stream of records into messages; keeps what the key states need between records. */
export class StickDecoder {
  private readonly held = new Set<number>();
  private rest = Buffer.alloc(0);

  constructor(
    private readonly rotation: Rotation,
    private readonly recordSize: 16 | 24 = inputEventSize(),
  ) {}

  /** The messages of the whole records in `chunk`; a partial record waits for the next chunk. */
  push(chunk: Buffer): StickMessage[] {
    const bytes = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const out: StickMessage[] = [];
    const whole = bytes.length - (bytes.length % this.recordSize);
    for (let at = 0; at < whole; at += this.recordSize) {
      const msg = this.record(bytes, at);
      if (msg) out.push(msg);
    }
    this.rest = Buffer.from(bytes.subarray(whole));
    return out;
  }

  private record(bytes: Buffer, at: number): StickMessage | null {
    const wide = this.recordSize === 24;
    const seconds = wide ? Number(bytes.readBigInt64LE(at)) : bytes.readInt32LE(at);
    const micros = wide ? Number(bytes.readBigInt64LE(at + 8)) : bytes.readInt32LE(at + 4);
    const fields = at + (wide ? 16 : 8);
    const type = bytes.readUInt16LE(fields);
    const code = bytes.readUInt16LE(fields + 2);
    const value = bytes.readInt32LE(fields + 4);
    const key = KEYS[code];
    if (type !== EV_KEY || key === undefined) return null;
    const pressed = value !== RELEASE;
    const held = value === HOLD || (value === RELEASE && this.held.has(code));
    if (value === HOLD) this.held.add(code);
    else this.held.delete(code);
    const msg: StickMessage = { verb: 'EVENT', data: [new Date(seconds * 1000 + micros / 1000), pictureDirection(key, this.rotation), pressed, held] };
    stickSide.checkSend(msg);
    return msg;
  }
}

/** How often the joystick is looked at when it has nothing: within a frame (15 a second), idle for a Pi. */
export const POLL_MS = 50;

export interface Joystick {
  /**
   * Its messages until `signal` aborts. The device is read until it has nothing, then looked at again
   * POLL_MS later: no read is ever left blocked in Node's thread pool, so stopping is immediate and leaves
   * nothing behind. (A FIFO standing in for it reads as empty, not ended, while it has no writer.)
   */
  messages(signal: AbortSignal): AsyncGenerator<StickMessage>;
  close(): Promise<void>;
}

/** Opens the joystick's device (non-blocking) now, so that a device that cannot be read is known at once. */
export async function openJoystick(device: string, rotation: Rotation, recordSize = inputEventSize()): Promise<Joystick> {
  const fail = (err: unknown) => senseErrors.device(`cannot read the Sense HAT's joystick ${device}`, err);
  let handle: FileHandle;
  try {
    handle = await open(device, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw fail(err);
  }
  const decoder = new StickDecoder(rotation, recordSize);
  const buffer = Buffer.alloc(recordSize * 64);
  return {
    async *messages(signal) {
      while (!signal.aborted) {
        let got: number;
        try {
          got = (await handle.read(buffer, 0, buffer.length, null)).bytesRead;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw fail(err);
          got = 0;
        }
        if (got > 0) yield* decoder.push(Buffer.from(buffer.subarray(0, got)));
        else await setTimeout(POLL_MS, undefined, { signal }).catch(() => undefined);
      }
    },
    close: () => handle.close(),
  };
}
