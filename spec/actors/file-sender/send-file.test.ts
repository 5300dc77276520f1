/**
 * The client side of a file transfer (protocols/README.md §6): `sendFile` against a master played frame by frame
 * on a raw ROUTER, and end to end against the real File Juggler over tcp and ipc.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { sendFile, type SendFileOptions } from '../../../actors/file-sender/index.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import type { FileStateWire } from '../../../protocols/records.js';
import { startMaster, tempFiles, type Master } from '../file-juggler/support.js';
import { transports } from '../zmq/support.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'piw-sender-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileOf(size: number, name = 'foo-0.1-py3-none-any.whl'): Promise<{ path: string; data: Buffer; file: FileStateWire }> {
  const data = randomBytes(size);
  const path = join(dir, name);
  await writeFile(path, data);
  const file: FileStateWire = [name, size, createHash('sha256').update(data).digest('hex'), 'foo', '0.1', 'py3', 'none', 'any', {}];
  return { path, data, file };
}

/** A master played by hand: a ROUTER that records what arrives and answers what the test says. */
class ScriptedMaster {
  readonly socket = new zmq.Router({ linger: 0 });
  readonly #received: { peer: Buffer; frames: Buffer[] }[] = [];
  #waiters: (() => void)[] = [];
  #loop: Promise<void> = Promise.resolve();
  endpoint = '';

  async bind(): Promise<this> {
    await this.socket.bind('tcp://127.0.0.1:*');
    this.endpoint = this.socket.lastEndpoint!;
    this.#loop = (async () => {
      try {
        for await (const [peer, ...frames] of this.socket) {
          this.#received.push({ peer: peer!, frames });
          for (const w of this.#waiters.splice(0)) w();
        }
      } catch {
        // closed
      }
    })();
    return this;
  }

  async next(): Promise<{ peer: Buffer; frames: Buffer[]; text: string }> {
    while (this.#received.length === 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    const msg = this.#received.shift()!;
    return { ...msg, text: `${msg.frames[0]!.toString()} ${msg.frames[1]?.toString() ?? ''}`.trim() };
  }

  fetch(peer: Buffer, offset: string | number, length: number): Promise<void> {
    return this.socket.send([peer, 'FETCH', String(offset), String(length)]);
  }

  done(peer: Buffer): Promise<void> {
    return this.socket.send([peer, 'DONE']);
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.#loop;
  }
}

function send(master: ScriptedMaster, path: string, extra: Partial<SendFileOptions> = {}) {
  return sendFile({ address: master.endpoint, slaveId: 4, path, log: memoryLogger('slave'), ...extra });
}

describe('sendFile against a scripted master', () => {
  let master: ScriptedMaster;
  beforeEach(async () => {
    master = await new ScriptedMaster().bind();
  });
  afterEach(async () => {
    await master.close();
  });

  test('says HELLO at once, answers each FETCH with the bytes asked for and the offset frame echoed, and resolves on DONE', async () => {
    const { path, data } = await fileOf(200_000);
    const sending = send(master, path);
    const hello = await master.next();
    expect(hello.text).toBe('HELLO 4');
    await master.fetch(hello.peer, 65536, 65536);
    await master.fetch(hello.peer, 0, 65536);
    await master.fetch(hello.peer, 131072, 68928);
    const chunks = [await master.next(), await master.next(), await master.next()];
    // in the order of the FETCHes, whatever order the reads finished in
    expect(chunks.map((c) => c.text)).toEqual(['CHUNK 65536', 'CHUNK 0', 'CHUNK 131072']);
    for (const c of chunks) {
      const offset = Number(c.frames[1]!.toString());
      expect(c.frames[2]!.equals(data.subarray(offset, offset + c.frames[2]!.length))).toBe(true);
    }
    expect(chunks[2]!.frames[2]!.length).toBe(68928);
    await master.done(hello.peer);
    await expect(sending).resolves.toEqual({ filesize: 200_000, chunks: 3 });
  });

  test('DONE while a FETCH still waits for its bytes ends the send cleanly; the late CHUNK is not sent', async () => {
    const { path } = await fileOf(6 << 20);
    const sending = send(master, path);
    const { peer } = await master.next();
    await master.fetch(peer, 5 << 20, 65536); // a block not read yet
    await master.done(peer);
    await expect(sending).resolves.toEqual({ filesize: 6 << 20, chunks: 0 });
  });

  test('a FETCH that runs past the end of the file is answered with what exists, possibly nothing', async () => {
    const { path, data } = await fileOf(1000);
    const sending = send(master, path);
    const { peer } = await master.next();
    await master.fetch(peer, 900, 65536);
    await master.fetch(peer, 5000, 100);
    const [tail, beyond] = [await master.next(), await master.next()];
    expect(tail.frames[2]!.equals(data.subarray(900))).toBe(true);
    expect(beyond.text).toBe('CHUNK 5000');
    expect(beyond.frames[2]!.length).toBe(0);
    await master.done(peer);
    await sending;
  });

  test('large FETCHes (a master asking for 1 MiB, or ranges straddling blocks) are answered exactly', async () => {
    const { path, data } = await fileOf(3 << 20);
    const sending = send(master, path);
    const { peer } = await master.next();
    const ranges = [
      [0, 1 << 20],
      [(1 << 20) - 1000, 5000],
      [2 << 20, 1 << 20],
      [(1 << 20) + 7, 65536],
    ] as const;
    for (const [offset, length] of ranges) await master.fetch(peer, offset, length);
    for (const [offset, length] of ranges) {
      const chunk = await master.next();
      expect(chunk.frames[2]!.equals(data.subarray(offset, offset + length))).toBe(true);
    }
    await master.done(peer);
    await sending;
  });

  test('after helloRetryMs of silence it says HELLO again, and keeps doing so until the master answers', async () => {
    const { path } = await fileOf(100);
    const sending = send(master, path, { helloRetryMs: 30 });
    const hellos = [await master.next(), await master.next(), await master.next()];
    expect(hellos.map((h) => h.text)).toEqual(['HELLO 4', 'HELLO 4', 'HELLO 4']);
    await master.done(hellos[2]!.peer);
    await sending;
  });

  test('reports progress: the bytes sent so far, each counted once, up to the file size', async () => {
    const { path } = await fileOf(150_000);
    const progress: [number, number][] = [];
    const sending = send(master, path, { onProgress: (sent, total) => progress.push([sent, total]) });
    const { peer } = await master.next();
    for (const offset of [0, 0, 65536, 131072]) await master.fetch(peer, offset, 65536);
    for (let i = 0; i < 4; i++) await master.next();
    await master.done(peer);
    await sending;
    expect(progress).toEqual([
      [65536, 150_000],
      [65536, 150_000],
      [131072, 150_000],
      [150_000, 150_000],
    ]);
  });

  test('a master that stays silent for masterTimeoutMs fails the send with PIW_ERR_TRANSFER_TIMEOUT', async () => {
    const { path } = await fileOf(100);
    await expect(send(master, path, { helloRetryMs: 20, masterTimeoutMs: 60 })).rejects.toMatchObject({
      code: 'PIW_ERR_TRANSFER_TIMEOUT',
      message: 'transfer to the master as slave 4: master fell silent: timed out',
    });
  });

  test('a bad frame from the master is logged and ignored', async () => {
    const { path } = await fileOf(100);
    const log = memoryLogger('slave');
    const sending = send(master, path, { log });
    const { peer } = await master.next();
    await master.socket.send([peer, 'FETCH', 'lots', '10']);
    await master.fetch(peer, 0, 100);
    expect((await master.next()).text).toBe('CHUNK 0');
    await master.done(peer);
    await sending;
    expect(log.entries.map((e) => e.message)).toContain('file transfer: ignored a bad frame from the master: invalid offset: "lots"');
  });

  test('aborting fails the send with PIW_ERR_SEND_ABORTED; an already-aborted signal never connects', async () => {
    const { path } = await fileOf(100);
    const abort = new AbortController();
    const sending = send(master, path, { signal: abort.signal });
    await master.next();
    abort.abort(new Error('shutting down'));
    await expect(sending).rejects.toMatchObject({ code: 'PIW_ERR_SEND_ABORTED', message: `sending ${path} was aborted` });
    await expect(send(master, path, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'PIW_ERR_SEND_ABORTED' });
  });

  test('a file that is missing or not a regular file fails with PIW_ERR_SEND_FILE', async () => {
    await expect(send(master, join(dir, 'missing.whl'))).rejects.toMatchObject({ code: 'PIW_ERR_SEND_FILE', message: expect.stringContaining('ENOENT') });
    await expect(send(master, dir)).rejects.toMatchObject({ code: 'PIW_ERR_SEND_FILE', message: `cannot send ${dir}: not a regular file` });
  });
});

describe.each(transports)('sendFile to the File Juggler over %s', (_name, transport) => {
  let master: Master;
  afterEach(async () => {
    await master?.close();
  });

  test('one file, then two at once from two slaves, arrive intact and verify; no temp file is left', async () => {
    const { address, cleanup } = await transport();
    try {
      master = await startMaster({ address });
      const one = await fileOf(1_500_000, 'foo-1.0-py3-none-any.whl');
      await master.expect(1, one.file);
      await sendFile({ address: master.juggler.endpoint, slaveId: 1, path: one.path, log: memoryLogger('slave') });
      await expect(master.verify(1, 'foo')).resolves.toEqual({ verb: 'OK', data: null });
      expect((await readFile(join(master.output, 'simple', 'foo', 'foo-1.0-py3-none-any.whl'))).equals(one.data)).toBe(true);

      const a = await fileOf(2_000_000, 'foo-2.0-py3-none-any.whl');
      const b = await fileOf(700_000, 'bar-1.0-py3-none-any.whl');
      await master.expect(2, a.file);
      await master.expect(3, b.file);
      await Promise.all([
        sendFile({ address: master.juggler.endpoint, slaveId: 2, path: a.path }),
        sendFile({ address: master.juggler.endpoint, slaveId: 3, path: b.path }),
      ]);
      await expect(master.verify(2, 'foo')).resolves.toEqual({ verb: 'OK', data: null });
      await expect(master.verify(3, 'bar')).resolves.toEqual({ verb: 'OK', data: null });
      expect((await readFile(join(master.output, 'simple', 'foo', 'foo-2.0-py3-none-any.whl'))).equals(a.data)).toBe(true);
      expect((await readFile(join(master.output, 'simple', 'bar', 'bar-1.0-py3-none-any.whl'))).equals(b.data)).toBe(true);
      expect(await tempFiles(master.output)).toEqual([]);
    } finally {
      await cleanup();
    }
  });

  test('a sender aborted mid-transfer, then a fresh EXPECT and a new sender: the file lands, no temp file is left', async () => {
    const { address, cleanup } = await transport();
    try {
      master = await startMaster({ address });
      const w = await fileOf(8 << 20);
      await master.expect(1, w.file);
      const abort = new AbortController();
      const first = sendFile({
        address: master.juggler.endpoint,
        slaveId: 1,
        path: w.path,
        signal: abort.signal,
        onProgress: (sent) => {
          if (sent >= 1 << 20) abort.abort();
        },
      });
      await expect(first).rejects.toMatchObject({ code: 'PIW_ERR_SEND_ABORTED' });
      expect(master.juggler.transfers()[0]!.state).toBe('transferring');
      await master.expect(1, w.file);
      await sendFile({ address: master.juggler.endpoint, slaveId: 1, path: w.path });
      await expect(master.verify(1, 'foo')).resolves.toEqual({ verb: 'OK', data: null });
      expect((await readFile(join(master.output, 'simple', 'foo', w.file[0]))).equals(w.data)).toBe(true);
      expect(await tempFiles(master.output)).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
