/** Why a value could not be encoded or a frame decoded; protocol.ts turns both into 0.18's wire errors. */
import { defineError, PiwError } from '../errors.js';

export class CborError extends PiwError {}

export const CborDecodeError = defineError('PIW_ERR_CBOR_DECODE', (why: string) => why, CborError);
export const CborEncodeError = defineError('PIW_ERR_CBOR_ENCODE', (why: string) => why, CborError);
