/**
 * Wire compatibility against a codec no one here wrote (issue 2, item 5): Debian's Python cbor2 with
 * piwheels 0.18's transport conventions and voluptuous schemas transcribed from protocols/README.md (pywire.py).
 *
 * For every verb of slave_driver, mr_chase, monitor_stats, master_control and lumberjack:
 *  (a) what we encode, Python decodes and validates, and sees with the exact Python types we meant;
 *  (b) what Python encodes from the same values is byte for byte what we encode, and we decode and
 *      validate it back to the message we started from.
 * Then messages a Python peer can build that 0.18 refuses, which we must refuse too, and the file-transfer
 * frames of protocols/README.md §6 against the way a 0.18 slave and master build and read them.
 */
import {
  chunkFrames,
  CHUNK_SIZE,
  formatMasterFrames,
  helloFrames,
  parseClientFrames,
  parseMasterFrames,
  type Protocol,
  type VerbMap,
} from '../../../protocols/index.js';
import { moreValid, NONE, protocolSamples, slaveHello, slaveStats, TS } from '../samples.js';
import { PythonPeer, type Reply } from './peer.js';
import { canon, toTyped, type Typed } from './typed.js';

const PYTHON_FACING = ['slave_driver', 'mr_chase', 'monitor_stats', 'master_control', 'lumberjack'];

type Side = 'binding' | 'mirror';
interface Case {
  protocol: string;
  /** The protocol of pywire.py it is checked against. */
  python: string;
  verb: string;
  data: unknown; // NONE for a no-data verb
  sender: Protocol<VerbMap, VerbMap>;
  receiver: Protocol<VerbMap, VerbMap>;
  senderSide: Side;
  receiverSide: Side;
}

/**
 * The Python protocol a case is checked against: 0.18's, except piw-add's verbs and DONE with an action,
 * which are piwheels 0.19's (our master answers 0.18's requests with 0.18's bare DONE).
 */
function pythonProtocol(name: string, verb: string, data: unknown): string {
  if (name !== 'mr_chase') return name;
  return verb === 'ADDPKG' || verb === 'ADDVER' || (verb === 'DONE' && data !== NONE) ? 'mr_chase_019' : name;
}

const cases: Case[] = [];
for (const name of PYTHON_FACING) {
  const ps = protocolSamples[name]!;
  const binding = ps.protocol;
  const mirror = binding.mirror();
  for (const [verbs, senderSide] of [[ps.recv, 'mirror'], [ps.send, 'binding']] as const) {
    const [sender, receiver] = senderSide === 'binding' ? [binding, mirror] : [mirror, binding];
    const receiverSide: Side = senderSide === 'binding' ? 'mirror' : 'binding';
    for (const [verb, samples] of Object.entries(verbs)) {
      for (const data of [samples.valid, ...(moreValid[name]?.[verb] ?? [])]) {
        cases.push({ protocol: name, python: pythonProtocol(name, verb, data), verb, data, sender, receiver, senderSide, receiverSide });
      }
    }
  }
}

const label = (c: Case) => `${c.protocol} ${c.verb} ${c.data === NONE ? '(no data)' : JSON.stringify(toTyped(c.data)).slice(0, 60)}`;
const msgOf = (c: Case) => (c.data === NONE ? { verb: c.verb } : { verb: c.verb, data: c.data });
const hexFrames = (frames: Buffer[]) => frames.map((f) => f.toString('hex'));
const fromHex = (frames: unknown) => (frames as string[]).map((f) => Buffer.from(f, 'hex'));

let peer: PythonPeer;
beforeAll(() => {
  peer = PythonPeer.start();
});
afterAll(async () => {
  await peer.close();
});

function ok(reply: Reply): Record<string, unknown> {
  if (!reply.ok) throw new Error(`Python refused: ${reply.type}: ${reply.error}`);
  return reply;
}

test('every verb of the Python-facing protocols has a case', () => {
  for (const name of PYTHON_FACING) {
    const p = protocolSamples[name]!.protocol;
    for (const verb of [...Object.keys(p.recv), ...Object.keys(p.send)]) {
      expect(cases.some((c) => c.protocol === name && c.verb === verb)).toBe(true);
    }
  }
});

describe.each(cases.map((c) => [label(c), c] as const))('%s', (_label, c) => {
  test('(a) Python decodes what we encode and 0.18\'s schema accepts it, with the exact types', async () => {
    const frame = c.sender.encode(msgOf(c) as never);
    const reply = ok(await peer.request({ op: 'load', protocol: c.python, side: c.receiverSide, hex: frame.toString('hex') }));
    expect(reply.verb).toBe(c.verb);
    if (c.data === NONE) {
      expect(reply).not.toHaveProperty('data');
    } else {
      const wire = c.sender.checkSend(msgOf(c) as never); // floats marked as the schema wants them
      expect(canon(reply.data as Typed)).toEqual(canon(toTyped(wire)));
    }
  });

  test('(b) Python encodes the same message to the same bytes, and we decode and validate it', async () => {
    const frame = c.sender.encode(msgOf(c) as never);
    const request: Record<string, unknown> = { op: 'dump', protocol: c.python, side: c.senderSide, verb: c.verb };
    if (c.data !== NONE) request.data = toTyped(c.sender.checkSend(msgOf(c) as never));
    const reply = ok(await peer.request(request));
    expect(reply.hex).toBe(frame.toString('hex'));
    expect(c.receiver.decode(Buffer.from(reply.hex as string, 'hex'))).toEqual(msgOf(c));
  });
});

function receiverOf(protocol: string, side: Side): Protocol<VerbMap, VerbMap> {
  const p = protocolSamples[protocol]!.protocol;
  return side === 'binding' ? p : p.mirror();
}

/** The bytes cbor2 writes for `[verb, data]`, with no schema in the way. */
async function pythonBytes(verb: string, data: Typed, options: Record<string, unknown> = {}): Promise<Buffer> {
  return Buffer.from(ok(await peer.request({ op: 'dumps', value: { list: [{ str: verb }, data] }, ...options })).hex as string, 'hex');
}

describe('what a Python peer can build that 0.18 refuses, we refuse too', () => {
  const replace = (list: readonly unknown[], i: number, value: Typed): Typed => ({
    list: list.map((x, j) => (j === i ? value : toTyped(x))),
  });
  const file = ['f-1-py3-none-any.whl', 1, 'ab', 'f', '1', 'py3', 'none', 'any', {}];
  const builtWith = (deps: Typed): Typed => ({
    list: [{ bool: true }, { timedelta: [0, 1, 0] }, { str: '' }, { list: [replace(file, 8, deps)] }],
  });

  test.each([
    ['IDLE: a whole float in an int field', 'slave_driver', 'binding', 'IDLE', replace(slaveStats, 1, { float: 60 }), 'expected int @ data[1]'],
    ['IDLE: a string in a float field', 'slave_driver', 'binding', 'IDLE', replace(slaveStats, 7, { str: '0.5' }), 'expected float @ data[7]'],
    ['IDLE: a plain string in a datetime slot', 'slave_driver', 'binding', 'IDLE', replace(slaveStats, 0, { str: '2020-09-15T12:00:00Z' }), 'expected datetime @ data[0]'],
    ['HELLO: a number in a timedelta slot', 'slave_driver', 'binding', 'HELLO', replace(slaveHello, 0, { int: '10800' }), 'expected timedelta @ data[0]'],
    ['BUILT: an int key in the dependencies', 'slave_driver', 'binding', 'BUILT', builtWith({ dict: [[{ int: '1' }, { list: [] }]] }), 'expected dict @ data[3][0][8]'],
    ['BUILT: a set for a dependency list', 'slave_driver', 'binding', 'BUILT', builtWith({ dict: [[{ str: 'apt' }, { set: [{ str: 'libc6' }] }]] }), 'expected list @ data[3][0][8]["apt"]'],
    ['ACK: a whole float slave id', 'slave_driver', 'mirror', 'ACK', { list: [{ float: 1 }, { str: 'https://pypi.org/simple' }] }, 'expected int @ data[0]'],
    ['REMOVE: a float version', 'mr_chase', 'binding', 'REMOVE', { list: [{ str: 'foo' }, { float: 1 }, { str: '' }] }, '@ data[1]'],
    ['REBUILD: a lower-case target', 'mr_chase', 'binding', 'REBUILD', { list: [{ str: 'home' }] }, 'expected one of'],
    ['KILL: a whole float slave id', 'master_control', 'binding', 'KILL', { float: 3 }, 'expected int'],
    ['SLAVE: a 3-item status', 'monitor_stats', 'mirror', 'SLAVE', { list: [{ int: '1' }, toTyped(TS), { str: 'DONE' }] }, 'missing item @ data[3]'],
  ] as [string, string, Side, string, Typed, string][])('%s', async (_what, protocol, side, verb, data, detail) => {
    const bytes = await pythonBytes(verb, data);
    const python = await peer.request({ op: 'load', protocol, side, hex: bytes.toString('hex') });
    expect(python).toMatchObject({ ok: false, error: expect.stringMatching(new RegExp(`^invalid data for ${verb}: `)) });
    const receiver = receiverOf(protocol, side);
    expect(() => receiver.decode(bytes)).toThrow(new RegExp(`^invalid data for ${verb}: .*${detail.replace(/[[\]"]/g, '\\$&')}`));
  });

  test('a tag 1 (epoch) timestamp from cbor2 is accepted like tag 0', async () => {
    const bytes = await pythonBytes('IDLE', toTyped(slaveStats), { datetime_as_timestamp: true });
    expect(bytes.toString('hex')).toContain('c1fb'); // cbor2 wrote the timestamp as tag 1
    const got = receiverOf('slave_driver', 'binding').decode(bytes);
    expect(got).toEqual({ verb: 'IDLE', data: slaveStats });
  });
});

describe('where we deliberately differ from 0.18 on receipt', () => {
  test('a bool is not an int here (voluptuous lets True through as an int; no 0.18 peer sends one)', async () => {
    const bytes = await pythonBytes('KILL', { bool: true });
    expect(ok(await peer.request({ op: 'load', protocol: 'master_control', side: 'binding', hex: bytes.toString('hex') }))).toMatchObject({ verb: 'KILL' });
    expect(() => receiverOf('master_control', 'binding').decode(bytes)).toThrow('invalid data for KILL');
  });

  test('a CBOR integer in a float field is taken as that float (0.18 refuses; our own in-process senders pass plain numbers)', async () => {
    const bytes = await pythonBytes('IDLE', { list: slaveStats.map((x, i) => (i === 7 ? { int: '1' } : toTyped(x))) });
    const python = await peer.request({ op: 'load', protocol: 'slave_driver', side: 'binding', hex: bytes.toString('hex') });
    expect(python).toMatchObject({ ok: false, error: expect.stringContaining('expected float') });
    expect(receiverOf('slave_driver', 'binding').decode(bytes)).toEqual({ verb: 'IDLE', data: slaveStats });
  });
});

describe('file-transfer frames (protocols/README.md §6) as a 0.18 slave and master build and read them', () => {
  // The example of §6: a 123 456-byte file is fetched as FETCH 0 65536, FETCH 65536 57920, then DONE.
  const file = Buffer.alloc(123456);
  for (let i = 0; i < file.length; i++) file[i] = (i * 7 + 3) & 0xff;
  const fetches = [
    { verb: 'FETCH' as const, offset: 0, length: CHUNK_SIZE },
    { verb: 'FETCH' as const, offset: CHUNK_SIZE, length: file.length - CHUNK_SIZE },
  ];

  test.each([0, 1, 42, 123456789])('HELLO for slave %d: our frames are the slave\'s, and each side reads the other\'s', async (slaveId) => {
    const python = fromHex(ok(await peer.request({ op: 'slave_hello', slave_id: slaveId })).frames);
    expect(helloFrames(slaveId)).toEqual(python);
    expect(parseClientFrames(python)).toEqual({ verb: 'HELLO', slaveId });
    expect(ok(await peer.request({ op: 'master_read', frames: hexFrames(helloFrames(slaveId)) }))).toMatchObject({ verb: 'HELLO', slave_id: slaveId });
  });

  test('FETCH and DONE: our frames are the master\'s, and we read the master\'s', async () => {
    for (const fetch of fetches) {
      const python = fromHex(ok(await peer.request({ op: 'master_fetch', offset: fetch.offset, length: fetch.length })).frames);
      expect(formatMasterFrames(fetch)).toEqual(python);
      expect(parseMasterFrames(python)).toEqual(fetch);
    }
    const done = fromHex(ok(await peer.request({ op: 'master_fetch', done: true })).frames);
    expect(formatMasterFrames({ verb: 'DONE' })).toEqual(done);
    expect(parseMasterFrames(done)).toEqual({ verb: 'DONE' });
  });

  test('CHUNK: a 0.18 slave answers our FETCHes with the slices we parse, and its master reads ours', async () => {
    const received = Buffer.alloc(file.length);
    for (const fetch of fetches) {
      const reply = ok(await peer.request({ op: 'slave_fetch', frames: hexFrames(formatMasterFrames(fetch)), file: file.toString('hex') }));
      const frames = fromHex(reply.frames);
      const chunk = parseClientFrames(frames);
      if (chunk.verb !== 'CHUNK') throw new Error('expected a CHUNK');
      expect(chunk.offset).toBe(fetch.offset);
      expect(chunk.offsetFrame).toEqual(Buffer.from(String(fetch.offset)));
      expect(chunk.data.length).toBe(fetch.length);
      chunk.data.copy(received, chunk.offset);

      const ours = chunkFrames(chunk.offsetFrame, chunk.data);
      expect(ours).toEqual(frames);
      const read = ok(await peer.request({ op: 'master_read', frames: hexFrames(ours) }));
      expect(read).toMatchObject({ verb: 'CHUNK', offset: fetch.offset, data: chunk.data.toString('hex') });
    }
    expect(received.equals(file)).toBe(true);
    expect(ok(await peer.request({ op: 'slave_fetch', frames: hexFrames(formatMasterFrames({ verb: 'DONE' })), file: '' }))).toMatchObject({ done: true });
  });
});
