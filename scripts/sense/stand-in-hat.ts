/**
 * A Sense HAT laid out under a directory, as piw-sense finds one through PIW_SENSE_ROOT: the sysfs names
 * beside decoys, a plain 128-byte file for the matrix's framebuffer (dev/fb1) and a FIFO for the joystick
 * (dev/input/event2). For tests and benchmarks on machines without a HAT.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JOYSTICK_NAME, MATRIX_NAME } from '../../actors/sense/discover.js';

export interface StandInHat {
  root: string;
  framebuffer: string;
  joystick: string;
}

export function layOutHat(root: string, parts: { matrix?: boolean; stick?: boolean } = {}): StandInHat {
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  const hat = { root, framebuffer: path.join(root, 'dev/fb1'), joystick: path.join(root, 'dev/input/event2') };
  write('sys/class/graphics/fb0/name', 'simple\n');
  write('sys/class/input/event0/device/name', 'vc4-hdmi\n');
  write('sys/class/input/event10/device/name', 'gpio_keys\n');
  if (parts.matrix ?? true) {
    write('sys/class/graphics/fb1/name', `${MATRIX_NAME}\n`);
    write('dev/fb1', '\0'.repeat(128));
  }
  if (parts.stick ?? true) {
    write('sys/class/input/event2/device/name', `${JOYSTICK_NAME}\n`);
    mkdirSync(path.dirname(hat.joystick), { recursive: true });
    execFileSync('mkfifo', [hat.joystick]);
  }
  return hat;
}
