export { encodeCbor, formatDatetime } from './encode.js';
export { decodeCbor } from './decode.js';
export { CborError, CborDecodeError, CborEncodeError } from './errors.js';
export {
  TimeDelta,
  Float64,
  unwrapFloats,
  PreciseDate,
  microsecondOf,
  OpaqueTag,
  LargeInteger,
  CborSimpleValue,
  NoDataMarker,
  NO_DATA,
} from './values.js';
