/**
 * The File Juggler's file queue (protocols/README.md §6; behaviours 75–80): the exchange frame by frame with a
 * raw DEALER playing the client, honest, lossy, restarting or hostile, over tcp and ipc.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, transports } from '../zmq/support.js';
import { RawClient, rawClientsOf, startMaster, tempFiles, wheel, type Master, type Wheel } from './support.js';

let master: Master;
// `master` is unset until the first test starts one.
const client = rawClientsOf(() => master as Master | undefined);

const OK = { verb: 'OK', data: null };
/** Long enough for a reply over loopback to have arrived, were one sent. */
const QUIET_MS = 150;

async function stored(pkg: string, filename: string): Promise<Buffer> {
  return readFile(join(master.output, 'simple', pkg, filename));
}

/** VERIFY for `slaveId` passes and the wheel is in simple/<pkg>/, byte for byte. */
async function expectLanded(slaveId: number, pkg: string, w: Wheel): Promise<void> {
  await expect(master.verify(slaveId, pkg)).resolves.toEqual(OK);
  expect((await stored(pkg, w.filename)).equals(w.data)).toBe(true);
}

describe.each(transports)('File Juggler over %s', (_name, transport) => {
  test('behaviour 76: a 123,456-byte file is FETCH 0 65536, CHUNK, FETCH 65536 57920, CHUNK, DONE', async () => {
    const { address, cleanup } = await transport();
    try {
      master = await startMaster({ address });
      const w = wheel(123456);
      await master.expect(1, w.file);
      const c = client();
      await c.hello(1);
      expect(await c.next()).toBe('FETCH 0 65536');
      await c.chunk(0, w.data.subarray(0, 65536));
      expect(await c.next()).toBe('FETCH 65536 57920');
      await c.chunk(65536, w.data.subarray(65536));
      expect(await c.next()).toBe('DONE');
      await expectLanded(1, 'foo', w);
    } finally {
      await cleanup();
    }
  });

  test('two transfers at once, from two slaves, interleaved chunk by chunk, both land intact', async () => {
    const { address, cleanup } = await transport();
    try {
      master = await startMaster({ address });
      const a = wheel(700_000, 'foo-1.0-py3-none-any.whl');
      const b = wheel(500_000, 'bar-2.0-py3-none-any.whl');
      await master.expect(1, a.file);
      await master.expect(2, b.file);
      const [ca, cb] = [client(), client()];
      await Promise.all([ca.transfer(1, a.data), cb.transfer(2, b.data)]);
      await expect(master.verify(2, 'bar')).resolves.toEqual(OK);
      await expectLanded(1, 'foo', a);
      expect((await stored('bar', b.filename)).equals(b.data)).toBe(true);
      expect(await tempFiles(master.output)).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});

describe('File Juggler: the transfer, frame by frame', () => {
  test('behaviour 77: up to 10 FETCHes are outstanding for a large file; each CHUNK brings one more', async () => {
    master = await startMaster();
    const w = wheel(2 << 20); // 32 chunks
    await master.expect(1, w.file);
    const c = client();
    await c.hello(1);
    const first: string[] = [];
    for (let i = 0; i < 10; i++) first.push(await c.next());
    expect(first).toEqual(Array.from({ length: 10 }, (_, i) => `FETCH ${i * 65536} 65536`));
    expect(await c.nothingWithin(QUIET_MS)).toBe(true);
    await c.answer(first[0]!, w.data);
    expect(await c.next()).toBe(`FETCH ${10 * 65536} 65536`);
    expect(await c.nothingWithin(QUIET_MS)).toBe(true);
  });

  test('behaviour 77: a small file gets one FETCH at a time (credit at least 1)', async () => {
    master = await startMaster();
    const w = wheel(3 * 65536 - 1); // size // 65536 = 2
    await master.expect(1, w.file);
    const c = client();
    await c.hello(1);
    expect([await c.next(), await c.next()]).toEqual(['FETCH 0 65536', 'FETCH 65536 65536']);
    expect(await c.nothingWithin(QUIET_MS)).toBe(true);
  });

  test('behaviour 75: HELLO with no pending EXPECT, or with a non-numeric id, is logged as an error and answered with nothing', async () => {
    master = await startMaster();
    const c = client();
    await c.hello(42);
    await c.hello('forty-two');
    await eventually(() => master.log.entries.filter((e) => e.level === 'error').length === 2);
    expect(master.log.entries.filter((e) => e.level === 'error').map((e) => e.message.replace(/\([0-9a-f]+\)/, '(peer)').replace(/from [0-9a-f]+:/, 'from peer:'))).toEqual([
      'HELLO from slave 42 (peer) with no transfer expected',
      'file transfer from peer: invalid slave id: "forty-two"',
    ]);
    expect(await c.nothingWithin(QUIET_MS)).toBe(true);
  });

  test('behaviour 79: a CHUNK from an identity with no active transfer is ignored with a debug log', async () => {
    master = await startMaster();
    await master.expect(1, wheel(1000).file);
    const c = client();
    await c.chunk(0, Buffer.alloc(1000));
    await eventually(() => master.log.entries.some((e) => e.message.includes('ignored CHUNK 0')));
    const entry = master.log.entries.find((e) => e.message.includes('ignored CHUNK 0'))!;
    expect(entry.level).toBe('debug');
    expect(await c.nothingWithin(QUIET_MS)).toBe(true);
    expect(master.juggler.transfers()[0]!.state).toBe('waiting');
  });

  test('behaviour 78: a repeated HELLO mid-transfer resets the credit and re-requests from the first missing byte, without error', async () => {
    master = await startMaster();
    const w = wheel(2 << 20);
    await master.expect(1, w.file);
    const c = client();
    await c.hello(1);
    const fetches: string[] = [];
    for (let i = 0; i < 10; i++) fetches.push(await c.next());
    for (const f of fetches.slice(0, 3)) await c.answer(f, w.data); // chunks 0-2 arrive; 3 more FETCHes come
    for (let i = 0; i < 3; i++) await c.next();
    await c.hello(1);
    const again: string[] = [];
    for (let i = 0; i < 10; i++) again.push(await c.next());
    expect(again).toEqual(Array.from({ length: 10 }, (_, i) => `FETCH ${(3 + i) * 65536} 65536`));
    expect(master.log.entries.filter((e) => e.level === 'error' || e.level === 'warning')).toEqual([]);
    expect(master.log.entries.map((e) => e.message)).toContain(`transfer of ${w.filename} from slave 1: restarted by HELLO`);
    // and it finishes from there
    for (const f of again) await c.answer(f, w.data);
    await c.answerUntilDone(w.data);
    await expectLanded(1, 'foo', w);
  });

  test('behaviour 80: an unknown verb mid-transfer is logged as an error, the credit reset and the missing ranges re-fetched', async () => {
    master = await startMaster();
    const w = wheel(200_000); // credit 3
    await master.expect(1, w.file);
    const c = client();
    await c.hello(1);
    const fetches = [await c.next(), await c.next(), await c.next()];
    await c.answer(fetches[0]!, w.data);
    expect(await c.next()).toBe('FETCH 196608 3392');
    await c.send('GIMME', 'more');
    expect([await c.next(), await c.next(), await c.next()]).toEqual(['FETCH 65536 65536', 'FETCH 131072 65536', 'FETCH 196608 3392']);
    const errors = master.log.entries.filter((e) => e.level === 'error').map((e) => e.message.replace(/from [0-9a-f]+:/, 'from peer:'));
    expect(errors).toEqual(['file transfer from peer: unknown message: "GIMME"', `transfer of ${w.filename} from slave 1: unknown message: "GIMME"`]);
  });

  test('lost chunks (a client that drops every 4th) are asked for again, once HELLO restores the credit, and the file arrives intact', async () => {
    master = await startMaster();
    const w = wheel(3 << 20);
    await master.expect(1, w.file);
    const dropped = new Set<string>();
    const fetches = await client().transfer(1, w.data, (fetch, i) => {
      if (i % 4 !== 3 || dropped.has(fetch)) return false;
      dropped.add(fetch);
      return true;
    });
    expect(dropped.size).toBeGreaterThan(5);
    for (const fetch of dropped) expect(fetches.filter((f) => f === fetch).length).toBeGreaterThanOrEqual(2);
    await expectLanded(1, 'foo', w);
  });

  test('chunks answered out of order, duplicated, or past the end of the file are all harmless', async () => {
    master = await startMaster();
    const w = wheel(640_000);
    await master.expect(1, w.file);
    const c = client();
    await c.hello(1);
    const pending: string[] = [];
    for (let i = 0; i < 9; i++) pending.push(await c.next());
    await c.chunk(10 * 65536, Buffer.alloc(65536, 0xee)); // nothing of the file is there
    for (const f of pending.reverse()) await c.answer(f, w.data);
    await c.answer(pending[0]!, w.data); // again
    await c.answerUntilDone(w.data);
    await expectLanded(1, 'foo', w);
  });

  test('a sender that dies mid-transfer, then a fresh EXPECT and a new transfer: the file lands and no temp file is left', async () => {
    master = await startMaster();
    const w = wheel(1 << 20);
    await master.expect(5, w.file);
    const dying = new RawClient(master.juggler.endpoint);
    await dying.hello(5);
    for (let i = 0; i < 4; i++) await dying.answer(await dying.next(), w.data);
    await dying.close();
    await master.expect(5, w.file); // the Slave Driver's re-EXPECT before the new SEND
    expect(await tempFiles(master.output)).toHaveLength(1);
    await client().transfer(5, w.data);
    await expectLanded(5, 'foo', w);
    expect(await tempFiles(master.output)).toEqual([]);
  });

  test('a transfer belongs to the first identity to say HELLO: another identity\'s HELLO for it is logged and not answered', async () => {
    master = await startMaster();
    const w = wheel(1 << 20);
    await master.expect(5, w.file);
    const owner = client();
    await owner.hello(5);
    const first = await owner.next();
    const intruder = client();
    await intruder.hello(5);
    await eventually(() => master.log.entries.some((e) => e.level === 'error' && e.message.startsWith('HELLO from slave 5 (')));
    expect(await intruder.nothingWithin(QUIET_MS)).toBe(true);
    await owner.answer(first, w.data);
    await owner.answerUntilDone(w.data);
    await expectLanded(5, 'foo', w);
  });

  test('a client that missed DONE and says HELLO again is told DONE again', async () => {
    master = await startMaster();
    const w = wheel(1000);
    await master.expect(1, w.file);
    const c = client();
    await c.transfer(1, w.data);
    await eventually(() => master.juggler.transfers()[0]!.state === 'verified');
    await c.hello(1);
    expect(await c.next()).toBe('DONE');
    await expect(master.verify(1, 'foo')).resolves.toEqual(OK);
  });

  test('a zero-byte wheel is DONE at HELLO and verifies', async () => {
    master = await startMaster();
    const w = wheel(0);
    await master.expect(1, w.file);
    const c = client();
    await c.hello(1);
    expect(await c.next()).toBe('DONE');
    await expect(master.verify(1, 'foo')).resolves.toEqual(OK);
    expect((await stored('foo', w.filename)).length).toBe(0);
  });

  test('a client that falls silent fails its transfer after the silence timeout; its temp file goes and VERIFY says why', async () => {
    master = await startMaster({ silenceTimeoutMs: 250 });
    const w = wheel(1 << 20);
    await master.expect(1, w.file);
    const c = client();
    await c.hello(1);
    await c.answer(await c.next(), w.data);
    await eventually(() => master.juggler.transfers()[0]?.state === 'failed');
    for (let left = await tempFiles(master.output); left.length > 0; left = await tempFiles(master.output)) await new Promise((r) => setTimeout(r, 5));
    await expect(master.verify(1, 'foo')).resolves.toEqual({
      verb: 'ERROR',
      data: `transfer of ${w.filename} from slave 1: client fell silent: timed out`,
    });
  });
});

describe('File Juggler: the temp files', () => {
  test('temp files a crashed run left in simple/ are removed at start-up; anything else there is left alone', async () => {
    master = await startMaster({}, async (output) => {
      await mkdir(join(output, 'simple'), { recursive: true });
      await writeFile(join(output, 'simple', '.piw-transfer-3-0123456789ab.tmp'), 'half a wheel');
      await writeFile(join(output, 'simple', '.index.html.0123456789ab.tmp'), 'the Scribe at work');
      await writeFile(join(output, 'simple', 'index.html'), '<html>');
    });
    expect(await master.tree()).toEqual(['www', 'www/simple', 'www/simple/.index.html.0123456789ab.tmp', 'www/simple/index.html']);
    expect(master.log.entries.map((e) => e.message)).toContain('removed .piw-transfer-3-0123456789ab.tmp, left by an unfinished transfer');
  });

  test('stopping the juggler removes the temp files of every transfer in flight', async () => {
    master = await startMaster();
    const w = wheel(1 << 20);
    await master.expect(1, w.file);
    await master.expect(2, wheel(1000, 'bar-1.0-py3-none-any.whl').file);
    const c = client();
    await c.hello(1);
    await c.answer(await c.next(), w.data);
    expect(await tempFiles(master.output)).toHaveLength(2);
    await master.juggler.stop();
    expect(await tempFiles(master.output)).toEqual([]);
  });
});
