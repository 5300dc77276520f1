export { encodeCbor, formatDatetime, CborEncodeError } from './encode.js';
export { decodeCbor, CborDecodeError, OpaqueTag } from './decode.js';
export { TimeDelta, Float64, NoDataMarker, NO_DATA } from './values.js';
