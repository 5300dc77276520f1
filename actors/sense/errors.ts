/** Why piw-sense cannot drive a Sense HAT. */
import { defineErrors, messageOf, PiwError } from '../../protocols/errors.js';

export class SenseError extends PiwError {}

export const senseErrors = defineErrors(SenseError, {
  noHat: [
    'PIW_ERR_NO_SENSE_HAT',
    (missing: string[]) =>
      `no Sense HAT found: looked for ${missing.join(' and ')}; is the HAT fitted and its overlay loaded (dtoverlay=rpi-sense)?`,
  ],
  device: ['PIW_ERR_SENSE_DEVICE', (what: string, cause: unknown) => ({ message: `${what}: ${messageOf(cause)}`, cause })],
});
