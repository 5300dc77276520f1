/**
 * Golden vectors: the bytes Python cbor2 writes with piwheels 0.18's transport conventions
 * (generate.py, committed with its output). Our encoder must write exactly those bytes and our decoder must
 * read them back to the same typed values (protocols/README.md §1.1, §1.2; spec/behaviours.md 1, 8).
 */
import { readFileSync } from 'node:fs';
import {
  decodeCbor,
  encodeCbor,
  lumberjackProtocol,
  masterControlProtocol,
  monitorStatsProtocol,
  mrChaseProtocol,
  slaveDriverProtocol,
  type Protocol,
  type VerbMap,
} from '../../../protocols/index.js';
import { canon, fromTyped, toTyped, type Typed } from '../python/typed.js';

type MessageVector = { name: string; protocol: string; sender: 'binding' | 'mirror'; verb: string; data?: Typed; hex: string };
type ValueVector = { name: string; value: Typed; hex: string; decodeOnly?: boolean };

const load = <T>(file: string): T[] => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')).vectors;
const messages = load<MessageVector>('./messages.json');
const values = load<ValueVector>('./values.json');

const protocols: Record<string, Protocol<VerbMap, VerbMap>> = {
  slave_driver: slaveDriverProtocol,
  mr_chase: mrChaseProtocol,
  monitor_stats: monitorStatsProtocol,
  master_control: masterControlProtocol,
  lumberjack: lumberjackProtocol,
} as never;

function ends(v: MessageVector) {
  const binding = protocols[v.protocol]!;
  return v.sender === 'binding' ? { sender: binding, receiver: binding.mirror() } : { sender: binding.mirror(), receiver: binding };
}

describe('golden messages from Python cbor2 (piwheels 0.18 conventions)', () => {
  test('cover every message issue 2 names', () => {
    const names = new Set(messages.map((v) => `${v.protocol}:${v.verb}`));
    for (const verb of ['HELLO', 'ACK', 'IDLE', 'SLEEP', 'BUILD', 'BUSY', 'CONT', 'BUILT', 'SEND', 'SENT', 'DONE', 'DIE', 'BYE']) {
      expect(names).toContain(`slave_driver:${verb}`);
    }
    for (const verb of ['IMPORT', 'REMOVE', 'REBUILD']) expect(names).toContain(`mr_chase:${verb}`);
    for (const verb of ['SLAVE', 'STATS']) expect(names).toContain(`monitor_stats:${verb}`);
    const built = messages.find((v) => v.name === 'BUILT two files')!;
    expect(JSON.stringify(built.data)).toContain('libatlas3-base');
  });

  describe.each(messages.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    test('our encoder writes exactly the bytes cbor2 wrote (floats forced by the schema, not the caller)', () => {
      const { sender } = ends(v);
      const msg = v.data ? { verb: v.verb, data: fromTyped(v.data, 'plain') } : { verb: v.verb };
      expect(sender.encode(msg as never).toString('hex')).toBe(v.hex);
    });

    test('the receiving side decodes and validates it to the same values', () => {
      const { receiver } = ends(v);
      const frame = Buffer.from(v.hex, 'hex');
      const got = receiver.decode(frame);
      expect(got.verb).toBe(v.verb);
      if (v.data) {
        expect(canon(toTyped((decodeCbor(frame) as unknown[])[1]))).toEqual(canon(v.data));
        expect(got.data).toEqual(fromTyped(v.data, 'plain'));
      } else {
        expect(decodeCbor(frame)).toBe(v.verb); // spec/behaviours.md 1: a bare CBOR text string
        expect(got.data).toBeUndefined();
      }
    });
  });
});

describe('golden values from Python cbor2 (protocols/README.md §1.2 type mapping)', () => {
  describe.each(values.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    if (!v.decodeOnly) {
      test('encodes to cbor2\'s bytes', () => {
        expect(encodeCbor(fromTyped(v.value, 'marked')).toString('hex')).toBe(v.hex);
      });
    }
    test('decodes to the value Python decoded', () => {
      expect(canon(toTyped(decodeCbor(Buffer.from(v.hex, 'hex'))))).toEqual(canon(v.value));
    });
  });
});
