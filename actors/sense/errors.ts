/** Why piw-sense cannot drive a Sense HAT. */
import { PiwError } from '../../protocols/errors.js';

export type SenseErrorCode =
  /** No framebuffer or no joystick of the HAT's name: not a Pi with a Sense HAT, or its driver not loaded. */
  | 'PIW_ERR_NO_SENSE_HAT'
  /** The HAT's device is there but cannot be opened or written (permissions, usually). */
  | 'PIW_ERR_SENSE_DEVICE';

export class SenseError extends PiwError {
  constructor(code: SenseErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'SenseError';
  }
}
