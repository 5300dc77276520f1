/**
 * The LED matrix: each frame is turned for the HAT's rotation and written whole to the framebuffer
 * device (128 bytes at offset 0). A frame that would look the same is not written again; one that
 * arrives while a write is under way replaces any other still waiting, so a slow device never queues.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { BLACK } from './display/colour.js';
import { Frame } from './display/frame.js';
import { rotateFrame, type Rotation } from './display/rotation.js';
import { senseErrors } from './errors.js';
import { toRgb565 } from './rgb565.js';

export interface Matrix {
  /** Shows the frame (drawn upright); resolves once it, or a later frame, is on the matrix. */
  show(frame: Frame): Promise<void>;
  /** Turns every LED off and closes the device. */
  close(): Promise<void>;
}

export async function openMatrix(device: string, rotation: Rotation): Promise<Matrix> {
  let handle: FileHandle;
  try {
    handle = await open(device, 'r+');
  } catch (err) {
    throw senseErrors.device(`cannot open the Sense HAT's LED matrix ${device}`, err);
  }
  let shown: Buffer | null = null;
  let waiting: Buffer | null = null;
  let writing: Promise<void> | null = null;

  const drain = async () => {
    while (waiting !== null) {
      const bytes = waiting;
      waiting = null;
      if (shown !== null && bytes.equals(shown)) continue;
      await handle.write(bytes, 0, bytes.length, 0).catch((err: Error) => {
        throw senseErrors.device(`cannot write to the Sense HAT's LED matrix ${device}`, err);
      });
      shown = bytes;
    }
  };

  const show = (frame: Frame): Promise<void> => {
    waiting = toRgb565(rotateFrame(frame, rotation));
    writing ??= drain().finally(() => (writing = null));
    return writing;
  };

  return {
    show,
    async close() {
      try {
        await show(Frame.filled(BLACK));
      } finally {
        await handle.close();
      }
    },
  };
}
