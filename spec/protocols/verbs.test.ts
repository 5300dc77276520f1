/**
 * Every verb of every protocol in protocols/, both ends: a valid message goes through encode → decode (and
 * through the in-process checkSend → checkRecv path), invalid data is refused by the sender before anything
 * is sent and by the receiver when a peer sends it anyway, each with 0.18's message naming the verb
 * (protocols/README.md §1.3, §4; spec/behaviours.md 2, 3, 4, 9).
 */
import * as v from 'valibot';
import * as protocols from '../../protocols/index.js';
import {
  dbClientProtocol,
  encodeCbor,
  MaybeData,
  oracleProtocol,
  oracleRequests,
  oracleResults,
  Protocol,
  ProtocolError,
  type ProtocolErrorCode,
  type VerbMap,
} from '../../protocols/index.js';
import { NONE, oracleResultSamples, protocolSamples, type Samples } from './samples.js';

type AnyProtocol = Protocol<VerbMap, VerbMap>;

function caught(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return err as ProtocolError;
  }
  throw new Error('expected a ProtocolError, nothing was thrown');
}

function expectRefused(fn: () => unknown, code: ProtocolErrorCode, message: string | RegExp, verb: string): void {
  const err = caught(fn);
  expect(err.code).toBe(code);
  if (typeof message === 'string') expect(err.message).toBe(message);
  else expect(err.message).toMatch(message);
  expect(err.verb).toBe(verb);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const message = (verb: string, data: unknown) => (data === NONE ? { verb } : { verb, data });

test('the samples cover every protocol protocols/ exports', () => {
  const names = new Set(
    Object.values(protocols)
      .filter((x): x is AnyProtocol => x instanceof Protocol)
      .map((p) => p.name),
  );
  expect([...names].sort()).toEqual(Object.keys(protocolSamples).sort());
});

describe.each(Object.entries(protocolSamples))('%s', (_name, ps) => {
  const binding = ps.protocol;
  const mirror = binding.mirror();

  test('samples name every verb of both maps', () => {
    expect(Object.keys(ps.recv).sort()).toEqual(Object.keys(binding.recv).sort());
    expect(Object.keys(ps.send).sort()).toEqual(Object.keys(binding.send).sort());
  });

  const directions: [string, Record<string, Samples>, AnyProtocol, AnyProtocol][] = [
    ['to the binding side', ps.recv, mirror, binding],
    ['from the binding side', ps.send, binding, mirror],
  ];

  describe.each(directions)('%s', (_dir, verbs, sender, receiver) => {
    const entries = Object.entries(verbs);
    if (entries.length === 0) return;

    describe.each(entries)('%s', (verb, samples) => {
      test('a valid message goes over the wire and in-process unchanged', () => {
        const msg = message(verb, samples.valid);
        const frame = sender.encode(msg as never);
        expect(receiver.decode(frame)).toEqual(msg);
        const wire = sender.checkSend(msg as never);
        expect(receiver.checkRecv(verb, wire, samples.valid !== NONE)).toEqual(msg);
      });

      if (samples.valid === NONE) {
        test('data for a no-data verb is refused at both ends (spec/behaviours.md 3)', () => {
          for (const data of samples.invalid) {
            expectRefused(() => sender.encode({ verb, data } as never), 'PIW_ERR_UNEXPECTED_DATA', `no data expected for ${verb}`, verb);
            expectRefused(() => receiver.decode(encodeCbor([verb, data])), 'PIW_ERR_UNEXPECTED_DATA', `data not expected for: ${verb}`, verb);
          }
        });
      } else if (sender.send[verb] instanceof MaybeData) {
        test('its data is optional: the bare form goes through both ends too', () => {
          expect(receiver.decode(sender.encode({ verb } as never))).toEqual({ verb });
          expect(receiver.checkRecv(verb, undefined, false)).toEqual({ verb });
        });

        test('invalid data is refused before sending and on receipt (spec/behaviours.md 9)', () => {
          const invalid = new RegExp(`^invalid data for ${escape(verb)}: .+`);
          for (const data of samples.invalid) {
            expectRefused(() => sender.encode({ verb, data } as never), 'PIW_ERR_INVALID_DATA', invalid, verb);
            expectRefused(() => receiver.decode(encodeCbor([verb, data])), 'PIW_ERR_INVALID_DATA', invalid, verb);
          }
        });
      } else {
        test('a missing data item is refused at both ends (spec/behaviours.md 2)', () => {
          expectRefused(() => sender.encode({ verb } as never), 'PIW_ERR_MISSING_DATA', `data must be specified for ${verb}`, verb);
          expectRefused(() => receiver.decode(encodeCbor(verb)), 'PIW_ERR_MISSING_DATA', `missing data for: ${verb}`, verb);
        });

        test('invalid data is refused before sending and on receipt (spec/behaviours.md 9)', () => {
          const invalid = new RegExp(`^invalid data for ${escape(verb)}: .+`);
          for (const data of samples.invalid) {
            expectRefused(() => sender.encode({ verb, data } as never), 'PIW_ERR_INVALID_DATA', invalid, verb);
            expectRefused(() => receiver.decode(encodeCbor([verb, data])), 'PIW_ERR_INVALID_DATA', invalid, verb);
            expectRefused(() => receiver.checkRecv(verb, data, true), 'PIW_ERR_INVALID_DATA', invalid, verb);
          }
        });
      }

      test('the other end does not know it in this direction (spec/behaviours.md 4)', () => {
        const frame = sender.encode(message(verb, samples.valid) as never);
        if (!Object.hasOwn(receiver.send, verb)) {
          expectRefused(() => receiver.encode(message(verb, samples.valid) as never), 'PIW_ERR_UNKNOWN_MESSAGE', `unknown message: ${verb}`, verb);
        }
        if (!Object.hasOwn(sender.recv, verb)) {
          expectRefused(() => sender.decode(frame), 'PIW_ERR_UNKNOWN_MESSAGE', `unknown message: ${verb}`, verb);
        }
      });
    });
  });
});

describe('Oracle results (protocols/README.md §4.4: what OK carries)', () => {
  test('every request verb has a result schema', () => {
    expect(Object.keys(oracleResults).sort()).toEqual(Object.keys(oracleRequests).sort());
  });

  describe.each(Object.entries(oracleResultSamples))('%s', (verb, samples) => {
    const schema = oracleResults[verb as keyof typeof oracleResults] as v.GenericSchema;

    test('a valid result travels as OK and validates on the DbClient side', () => {
      const frame = oracleProtocol.encode({ verb: 'OK', data: samples.valid });
      const got = dbClientProtocol.decode(frame);
      expect(got).toEqual({ verb: 'OK', data: samples.valid });
      expect(v.safeParse(schema, got.data).success).toBe(true);
    });

    test('an invalid result fails its schema', () => {
      for (const data of samples.invalid) expect(v.safeParse(schema, data).success).toBe(false);
    });
  });
});
