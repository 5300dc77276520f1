/**
 * Field schemas with Python's isinstance semantics (protocols/README.md §1.3), with voluptuous-style messages.
 *
 * Floats: the decoder returns every CBOR float as `Float64`, so `int()` rejects `60.0` as a 0.18 peer does;
 * `float()` takes a number or a `Float64` and marks it, so the encoder writes an 8-byte float even when it is
 * whole. (A CBOR integer in a float field is accepted: in-process senders pass plain numbers, and a load
 * average of 1 means 1.0.) Receivers get plain numbers back from `Protocol`.
 */
import * as v from 'valibot';
import { Float64, NoDataMarker, TimeDelta } from './cbor/index.js';

export const str = () => v.string('expected str');
export const bool = () => v.boolean('expected bool');
export const int = () => v.pipe(v.number('expected int'), v.safeInteger('expected int'));
export const float = () =>
  v.pipe(
    v.custom<number>((x) => typeof x === 'number' || x instanceof Float64, 'expected float'),
    v.transform((n) => ((n as unknown) instanceof Float64 ? n : new Float64(n)) as unknown as number),
  );
export const datetime = () =>
  v.pipe(
    v.date('expected datetime'),
    v.check((d) => !Number.isNaN(d.getTime()), 'expected datetime'),
  );
export const timedelta = () => v.instance(TimeDelta, 'expected timedelta');
export const noDataMarker = () => v.instance(NoDataMarker, 'expected NoData');
export const nullable = <S extends v.GenericSchema>(s: S) => v.nullable(s);
export const list = <S extends v.GenericSchema>(item: S) => v.array(item, 'expected list');
export const setOf = <S extends v.GenericSchema>(item: S) => v.set(item, 'expected set');

function isPlainObject(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * A map with string keys (Python `{str: X}`); empty maps are allowed. Only a plain object passes: valibot's
 * record alone takes an array, a `Map` (a map with a non-string key decodes to one) or a Date as a record.
 */
export const mapOf = <S extends v.GenericSchema>(value: S) =>
  v.pipe(
    v.custom<Record<string, v.InferInput<S>>>(isPlainObject, 'expected dict'),
    v.record(v.string(), value),
  );
/** Python `ExactSequence([...])`: exactly these items, in order. */
export const tuple = <const T extends v.TupleItems>(items: T) => v.strictTuple(items, 'expected a sequence of exactly ' + items.length);
/** Python `Extra`: anything. */
export const anything = () => v.unknown();
export const literal = <const L extends string>(value: L) => v.literal(value, `expected ${JSON.stringify(value)}`);
export const oneOf = <const O extends v.UnionOptions>(options: O) => v.union(options, 'no valid value');

type TaggedOption = v.StrictTupleSchema<v.TupleItems, v.ErrorMessage<v.StrictTupleIssue> | undefined>;

/**
 * Python `Any(ExactSequence(['HOME']), ExactSequence(['PROJECT', Any(str, None)]), …)`: tuples told apart by
 * the literal at index `at`. Only the option whose literal matches validates, so an error says what is
 * wrong with that option instead of listing every option's complaint as a union would.
 */
export const taggedTuple = <const O extends readonly TaggedOption[]>(at: number, options: O) => {
  const byTag = new Map<unknown, TaggedOption>();
  for (const option of options) byTag.set((option.items[at] as v.LiteralSchema<v.Literal, undefined>).literal, option);
  const expected = `expected one of ${[...byTag.keys()].map((t) => JSON.stringify(t)).join(', ')}`;
  return v.pipe(
    v.array(v.unknown(), 'expected list'),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const items = dataset.value;
      const option = byTag.get(items[at]);
      if (!option) {
        addIssue({ message: expected, path: [{ type: 'array', origin: 'value', input: items, key: at, value: items[at] }] });
        return NEVER;
      }
      const result = v.safeParse(option, items, { abortEarly: true });
      if (result.success) return result.output;
      for (const issue of result.issues) addIssue({ message: issue.message, path: issue.path as never });
      return NEVER;
    }),
  ) as unknown as v.GenericSchema<v.InferInput<O[number]>, v.InferOutput<O[number]>>;
};
