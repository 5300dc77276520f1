/**
 * Field schemas with Python's isinstance semantics (protocols.md §1.3). `float()` marks the value so the
 * encoder writes an 8-byte float even when it is whole; receivers get plain numbers back.
 */
import * as v from 'valibot';
import { Float64, NoDataMarker, TimeDelta } from './cbor/index.js';

export const str = () => v.string();
export const bool = () => v.boolean();
export const int = () => v.pipe(v.number(), v.safeInteger());
export const float = () =>
  v.pipe(
    v.number(),
    v.transform((n) => new Float64(n) as unknown as number),
  );
export const datetime = () => v.pipe(v.date(), v.check((d) => !Number.isNaN(d.getTime()), 'invalid datetime'));
export const timedelta = () => v.instance(TimeDelta);
export const noDataMarker = () => v.instance(NoDataMarker);
export const nullable = <S extends v.GenericSchema>(s: S) => v.nullable(s);
export const list = <S extends v.GenericSchema>(item: S) => v.array(item);
export const setOf = <S extends v.GenericSchema>(item: S) => v.set(item);
/** A map with string keys (Python `{str: X}`); empty maps are allowed. */
export const mapOf = <S extends v.GenericSchema>(value: S) => v.record(v.string(), value);
/** Python `ExactSequence([...])`: exactly these items, in order. */
export const tuple = <const T extends v.TupleItems>(items: T) => v.strictTuple(items);
/** Python `Extra`: anything. */
export const anything = () => v.unknown();
export const literal = <const L extends string>(value: L) => v.literal(value);
export const oneOf = <const O extends v.UnionOptions>(options: O) => v.union(options);
