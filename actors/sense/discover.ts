/**
 * Finds the Sense HAT's two devices the way the kernel names them: the LED matrix is the framebuffer
 * whose `/sys/class/graphics/fbN/name` is `RPi-Sense FB` (→ `/dev/fbN`), the joystick the input device
 * whose `/sys/class/input/eventN/device/name` is `Raspberry Pi Sense HAT Joystick` (→ `/dev/input/eventN`).
 *
 * `root` stands in for `/` (environment PIW_SENSE_ROOT): tests and emulators lay out `sys/` and `dev/`
 * under a directory of their own, with a plain file for the framebuffer and a FIFO for the joystick.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { senseErrors } from './errors.js';

export const MATRIX_NAME = 'RPi-Sense FB';
export const JOYSTICK_NAME = 'Raspberry Pi Sense HAT Joystick';

export interface SenseHatDevices {
  /** The matrix's framebuffer device, e.g. /dev/fb1. */
  framebuffer: string;
  /** The joystick's event device, e.g. /dev/input/event0. */
  joystick: string;
}

/** The first `prefix<N>` entry of `dir` (in N order) whose `nameFile` reads `name`. */
async function findByName(dir: string, prefix: string, nameFile: string, name: string): Promise<string | null> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return null;
  }
  const pattern = new RegExp(`^${prefix}(\\d+)$`);
  const numbered = entries.filter((e) => pattern.test(e)).sort((a, b) => Number(pattern.exec(a)![1]) - Number(pattern.exec(b)![1]));
  for (const entry of numbered) {
    const text = await readFile(path.join(dir, entry, nameFile), 'utf8').catch(() => null);
    if (text?.trim() === name) return entry;
  }
  return null;
}

export async function findSenseHat(root = '/'): Promise<SenseHatDevices> {
  const graphics = path.join(root, 'sys/class/graphics');
  const input = path.join(root, 'sys/class/input');
  const [fb, event] = await Promise.all([
    findByName(graphics, 'fb', 'name', MATRIX_NAME),
    findByName(input, 'event', 'device/name', JOYSTICK_NAME),
  ]);
  const missing = [
    fb === null ? `a framebuffer named "${MATRIX_NAME}" (${graphics}/fb*/name)` : null,
    event === null ? `an input device named "${JOYSTICK_NAME}" (${input}/event*/device/name)` : null,
  ].filter((m) => m !== null);
  if (missing.length) {
    throw senseErrors.noHat(missing);
  }
  return { framebuffer: path.join(root, 'dev', fb!), joystick: path.join(root, 'dev/input', event!) };
}
