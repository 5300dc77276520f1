/**
 * A transfer's temp file: pre-sized, chunks taken in any order (in-order ones staged and hashed by the
 * worker as they are written, the rest written as they come and hashed at the end), sealed with mode 0644 and the SHA-256
 * of exactly what is on disk, discarded without a trace; and the ordered write queue underneath.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileHasher, IncomingFile, StagingPool, WriteQueue, isTempName } from '../../../actors/file-juggler/index.js';

let dir: string;
let shared: { hasher: FileHasher; staging: StagingPool };
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'piw-incoming-'));
  shared = { hasher: new FileHasher(), staging: new StagingPool(4) };
});
afterEach(async () => {
  await shared.hasher.stop();
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const CHUNK = 65536;

/** Feeds `data` to `file` chunk by chunk, in the order of `offsets`. */
function feed(file: IncomingFile, data: Buffer, offsets: number[], length = CHUNK): void {
  for (const offset of offsets) file.write(offset, data.subarray(offset, offset + length));
}

const chunkOffsets = (size: number) => Array.from({ length: Math.ceil(size / CHUNK) }, (_, i) => i * CHUNK);

describe('IncomingFile', () => {
  test('is made hidden, exclusive, mode 0600 and pre-sized, with a name the start-up sweep recognises', async () => {
    const file = await IncomingFile.create(dir, 7, 123456, shared);
    const [name] = await readdir(dir);
    expect(name).toMatch(/^\.piw-transfer-7-[0-9a-f]{12}\.tmp$/);
    expect(isTempName(name!)).toBe(true);
    expect(isTempName('.index.html.0123456789ab.tmp')).toBe(false);
    const st = await stat(file.path);
    expect(st.size).toBe(123456);
    expect(st.mode & 0o777).toBe(0o600);
    await file.discard();
  });

  test.each([
    ['in order', (offsets: number[]) => offsets],
    ['backwards', (offsets: number[]) => [...offsets].reverse()],
    ['in order, then a gap filled at the end', (offsets: number[]) => [...offsets.slice(0, 20), ...offsets.slice(21), offsets[20]!]],
    ['interleaved', (offsets: number[]) => [...offsets.filter((_, i) => i % 2 === 0), ...offsets.filter((_, i) => i % 2 === 1)]],
  ])('chunks taken %s land at their offsets; seal gives the size and SHA-256 of the file and makes it 0644', async (_name, order) => {
    const data = randomBytes(50 * CHUNK + 123);
    const file = await IncomingFile.create(dir, 1, data.length, shared);
    feed(file, data, order(chunkOffsets(data.length)));
    await expect(file.seal()).resolves.toEqual({ size: data.length, sha256: sha256(data) });
    expect((await stat(file.path)).mode & 0o777).toBe(0o644);
    expect((await readFile(file.path)).equals(data)).toBe(true);
    await file.discard();
  });

  test('large chunks (a master asking for 1 MiB) and a zero-byte file seal right', async () => {
    const data = randomBytes(5 * (1 << 20) + 7);
    const big = await IncomingFile.create(dir, 1, data.length, shared);
    feed(big, data, chunkOffsets(data.length).filter((o) => o % (1 << 20) === 0), 1 << 20);
    await expect(big.seal()).resolves.toEqual({ size: data.length, sha256: sha256(data) });
    expect((await readFile(big.path)).equals(data)).toBe(true);
    const empty = await IncomingFile.create(dir, 2, 0, shared);
    await expect(empty.seal()).resolves.toEqual({ size: 0, sha256: sha256(Buffer.alloc(0)) });
  });

  test('staging buffers come from a shared, capped pool: with none to spare a file is written chunk by chunk, and every buffer goes back', async () => {
    const tight = { hasher: shared.hasher, staging: new StagingPool(1) };
    const [a, b] = [randomBytes(3 << 20), randomBytes((3 << 20) + 5)];
    const [fa, fb] = [await IncomingFile.create(dir, 1, a.length, tight), await IncomingFile.create(dir, 2, b.length, tight)];
    for (let offset = 0; offset < b.length; offset += CHUNK) {
      if (offset < a.length) fa.write(offset, a.subarray(offset, offset + CHUNK));
      fb.write(offset, b.subarray(offset, offset + CHUNK));
    }
    await expect(fa.seal()).resolves.toEqual({ size: a.length, sha256: sha256(a) });
    await expect(fb.seal()).resolves.toEqual({ size: b.length, sha256: sha256(b) });
    expect((await readFile(fb.path)).equals(b)).toBe(true);
    expect(tight.staging.available).toBe(1);
    await fa.discard();
    await fb.discard();
  });

  test('bytes that arrived in order are final: a repeat, even with other bytes, is not written; the hash is of the file', async () => {
    const file = await IncomingFile.create(dir, 1, 8, shared);
    file.write(0, Buffer.from('aaaa'));
    file.write(2, Buffer.from('XYZW')); // overlaps: only 'ZW' (bytes 4-5) is new
    file.write(0, Buffer.from('bbbb')); // a repeat of final bytes
    file.write(6, Buffer.alloc(0));
    file.write(6, Buffer.from('cc'));
    await expect(file.seal()).resolves.toEqual({ size: 8, sha256: sha256(Buffer.from('aaaaZWcc')) });
    expect(await readFile(file.path, 'utf8')).toBe('aaaaZWcc');
    await file.discard();
  });

  test('beyond a gap, a later copy of a chunk wins, and the hash still matches the file', async () => {
    const file = await IncomingFile.create(dir, 1, 8, shared);
    file.write(4, Buffer.from('1111'));
    file.write(4, Buffer.from('2222'));
    file.write(0, Buffer.from('aaaa'));
    await expect(file.seal()).resolves.toEqual({ size: 8, sha256: sha256(Buffer.from('aaaa2222')) });
    expect(await readFile(file.path, 'utf8')).toBe('aaaa2222');
    await file.discard();
  });

  test('a write that fails is reported once and fails the seal', async () => {
    const errors: unknown[] = [];
    const file = await IncomingFile.create(dir, 1, 10, shared, (err) => errors.push(err));
    // far beyond the largest file the file system allows
    file.write(2 ** 52, Buffer.from('x'));
    file.write(2 ** 52 + 1, Buffer.from('y'));
    await expect(file.seal()).rejects.toMatchObject({ code: expect.stringMatching(/^(EFBIG|EINVAL)$/) });
    expect(errors).toHaveLength(1);
    await file.discard();
  });

  test('moveTo renames it into place; discard removes it, after the writes in flight, and never throws', async () => {
    const data = randomBytes(300_000);
    const kept = await IncomingFile.create(dir, 1, data.length, shared);
    feed(kept, data, chunkOffsets(data.length));
    await kept.seal();
    await kept.moveTo(join(dir, 'final.whl'));
    expect((await readFile(join(dir, 'final.whl'))).equals(data)).toBe(true);

    const dropped = await IncomingFile.create(dir, 2, data.length, shared);
    feed(dropped, data, chunkOffsets(data.length));
    await dropped.discard();
    await dropped.discard();
    expect(await readdir(dir)).toEqual(['final.whl']);
  });

  test('creating it where it cannot be made rejects and leaves nothing', async () => {
    await expect(IncomingFile.create(join(dir, 'missing'), 1, 10, shared)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('WriteQueue', () => {
  test('pieces land in the order pushed (a later piece over the same bytes wins), each released once written, syncs included', async () => {
    const handle = await open(join(dir, 'f'), 'w+');
    try {
      const released: number[] = [];
      const queue = new WriteQueue(handle.fd, (err) => {
        throw err;
      }, 1000);
      const data = randomBytes(40 * 1000);
      for (let i = 0; i < 40; i++) queue.push(i * 1000, data.subarray(i * 1000, (i + 1) * 1000), () => released.push(i));
      queue.push(0, Buffer.from('later'));
      await queue.whenIdle();
      const expected = Buffer.from(data);
      expected.write('later', 0);
      expect((await readFile(join(dir, 'f'))).equals(expected)).toBe(true);
      expect(released.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    } finally {
      await handle.close();
    }
  });

  test('after a failure it reports once, releases every piece and takes no more', async () => {
    const handle = await open(join(dir, 'f'), 'w+');
    try {
      const errors: unknown[] = [];
      const released: string[] = [];
      const queue = new WriteQueue(handle.fd, (err) => errors.push(err));
      queue.push(2 ** 52, Buffer.from('x'), () => released.push('x'));
      queue.push(2 ** 52 + 1, Buffer.from('y'), () => released.push('y'));
      queue.push(5, Buffer.from('z'), () => released.push('z'));
      await queue.whenIdle();
      queue.push(0, Buffer.from('late'), () => released.push('late'));
      await queue.whenIdle();
      expect(errors).toHaveLength(1);
      expect(queue.error).toBe(errors[0]);
      expect(released.sort()).toEqual(['late', 'x', 'y', 'z']);
      expect((await readFile(join(dir, 'f'))).length).toBe(0);
    } finally {
      await handle.close();
    }
  });
});
