export { encodeCbor, formatDatetime, CborEncodeError } from './encode.js';
export { decodeCbor, CborDecodeError } from './decode.js';
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
