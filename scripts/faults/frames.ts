/**
 * The malformed messages of the fault suite (spec/faults) and the soak (scripts/faults/soak.ts), by kind, for
 * each kind of socket the master binds:
 *
 *   request   the ROUTERs of REQ peers (slave queue, import queue): `['', payload]` from a DEALER
 *   file      the file queue's ROUTER (raw HELLO / CHUNK frames from a DEALER)
 *   pull      the PULLs (control queue, log queue): one CBOR frame per message
 *   status    the status PUB: what a subscriber can send it (subscriptions)
 *
 * Every generator is deterministic for a seed, so a failure can be replayed. `huge` frames go over the
 * sockets' size limits (protocols/limits.ts) on purpose; `bignum` and `nesting` stay within them, so the
 * master must refuse them cheaply itself.
 */
import { encodeCbor, OpaqueTag, TimeDelta } from '../../protocols/index.js';

export type SocketKind = 'request' | 'file' | 'pull' | 'status';

export const FAULT_KINDS = [
  'random',
  'truncated',
  'shape',
  'verb',
  'order',
  'huge',
  'nesting',
  'bignum',
  'utf8',
  'frames',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MiB = 1 << 20;

/** One CBOR head (major type, argument) as bytes. */
function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

/** `["VERB", <bignum of n bytes>]` without building the bignum as a number. */
function bignumMessage(verb: string, bytes: number, fill: number): Buffer {
  return Buffer.concat([Buffer.from([0x82]), encodeCbor(verb), Buffer.from([0xc2]), head(2, bytes), Buffer.alloc(bytes, fill)]);
}

/** `[[[[…]]]]` n deep. */
function nested(n: number): Buffer {
  return Buffer.concat([Buffer.alloc(n, 0x81), Buffer.from([0x00])]);
}

/** A text string item whose bytes are not UTF-8. */
function badUtf8(verb: string): Buffer {
  return Buffer.concat([Buffer.from([0x82]), encodeCbor(verb), Buffer.from([0x64, 0xc3, 0x28, 0xa0, 0xa1])]);
}

const HELLO_DATA = [
  TimeDelta.fromSeconds(3 * 3600), TimeDelta.fromSeconds(300), '311', 'cp311', 'linux_armv7l', 'fault', 'Raspbian', '11', 'c03111', 'x',
];

/** Valid CBOR messages of a request protocol sent where they make no sense. */
const OUT_OF_ORDER: readonly Buffer[] = [
  encodeCbor(['BUILT', [true, TimeDelta.fromSeconds(1), 'x', [['x-1.0-py3-none-any.whl', 1, 'a'.repeat(64), 'x', '1.0', 'py3', 'none', 'any', {}]]]]),
  encodeCbor('SENT'),
  encodeCbor(['BUSY', [new Date(), 1, 1, 1, 1, 1, 1, 0.5, 40.0]]),
  encodeCbor(['IDLE', [new Date(), 1, 1, 1, 1, 1, 1, 0.5, 40.0]]),
  encodeCbor('BYE'),
  encodeCbor(['REMOVE', ['numpy', null, '']]),
];

/** Messages of `kind` for a socket of `socket` kind: each is the list of frames of one message. */
export function faultFrames(socket: SocketKind, kind: FaultKind, random: () => number): Buffer[] {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  if (socket === 'status') return [statusFrame(kind, random, bytes)];
  const payload = ((): Buffer[] => {
    if (socket === 'file') return fileFrames(kind, random, bytes, pick);
    switch (kind) {
      case 'random':
        return [bytes(1 + Math.floor(random() * 200))];
      case 'truncated': {
        const whole = encodeCbor(['HELLO', HELLO_DATA]);
        return [whole.subarray(0, 1 + Math.floor(random() * (whole.length - 1)))];
      }
      case 'shape':
        return [pick([encodeCbor(12345), encodeCbor({ verb: 'IDLE' }), encodeCbor(['HELLO', 1, 2]), encodeCbor([]), encodeCbor(null), encodeCbor(new OpaqueTag(55799, 1))])];
      case 'verb':
        return [encodeCbor([pick(['FOO', 'hello', '__proto__', 'constructor', '', 'X'.repeat(4096)]), null])];
      case 'order':
        return [pick(OUT_OF_ORDER)];
      case 'huge':
        // Over every CBOR socket's limit: refused by ZeroMQ before the master sees a byte of it.
        return [Buffer.concat([encodeCbor('HELLO').subarray(0, 1), Buffer.alloc(65 * MiB, 0x41)])];
      case 'nesting':
        return [nested(pick([65, 1000, 100_000]))];
      case 'bignum':
        // Within the slave queue's limit: the master must refuse it without working out its digits.
        return [bignumMessage(pick(['HELLO', 'IDLE', 'IMPORT', 'KILL', 'LOGPAGE']), pick([4096, MiB, 8 * MiB]), 0xa5)];
      case 'utf8':
        return [badUtf8(pick(['HELLO', 'IDLE', 'IMPORT', 'LOGPAGE']))];
      case 'frames':
        return [encodeCbor('BYE'), bytes(8), encodeCbor('SENT')];
    }
  })();
  // A DEALER speaking to a ROUTER as a REQ does: the empty delimiter first.
  return socket === 'request' ? [Buffer.alloc(0), ...payload] : payload;
}

function fileFrames(kind: FaultKind, random: () => number, bytes: (n: number) => Buffer, pick: <T>(items: readonly T[]) => T): Buffer[] {
  const decimal = (n: number) => Buffer.from(String(n));
  switch (kind) {
    case 'random':
      return [bytes(1 + Math.floor(random() * 64))];
    case 'truncated':
      return [Buffer.from('CHUNK'), decimal(0)];
    case 'shape':
      return [Buffer.from('HELLO'), Buffer.from(pick(['-1', '1e9', 'x', '00', '99999999999999999999']))];
    case 'verb':
      return [Buffer.from(pick(['FETCH', 'DONE', 'hello', 'X'.repeat(4096)])), decimal(1)];
    case 'order':
      // A CHUNK nobody asked for, from a peer that never said HELLO.
      return [Buffer.from('CHUNK'), decimal(Math.floor(random() * 1e6)), bytes(64)];
    case 'huge':
      return [Buffer.from('CHUNK'), decimal(0), Buffer.alloc(65 * MiB, 0x42)];
    case 'nesting':
      return [Buffer.from('HELLO'), nested(1000)];
    case 'bignum':
      return [Buffer.from('HELLO'), Buffer.from('9'.repeat(4096))];
    case 'utf8':
      return [Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), decimal(1)];
    case 'frames':
      return [Buffer.from('HELLO'), decimal(1), bytes(8), bytes(8)];
  }
}

/** What a subscriber may send a PUB: subscriptions (0x01 + prefix), cancels (0x00 + prefix), anything. */
function statusFrame(kind: FaultKind, random: () => number, bytes: (n: number) => Buffer): Buffer {
  const subscribe = (prefix: Buffer) => Buffer.concat([Buffer.from([1]), prefix]);
  switch (kind) {
    case 'huge':
      return subscribe(Buffer.alloc(64 * MiB, 0x43));
    case 'bignum':
      return subscribe(Buffer.alloc(MiB, 0x44));
    case 'order':
      return Buffer.concat([Buffer.from([0]), bytes(16)]);
    case 'frames':
    case 'verb':
      return encodeCbor(['HELLO', null]);
    default:
      // Many small distinct subscriptions: each one a new branch of the subscription trie.
      return subscribe(bytes(1 + Math.floor(random() * 200)));
  }
}
