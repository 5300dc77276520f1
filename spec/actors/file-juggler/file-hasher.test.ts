/** The hashing worker: files hashed while they grow, from the page cache, off the event loop. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileHasher } from '../../../actors/file-juggler/index.js';

let dir: string;
let hasher: FileHasher;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'piw-hasher-'));
  hasher = new FileHasher();
});
afterEach(async () => {
  await hasher.stop();
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

test('a file hashed as it grows (upTo after each write), then finished, gives its size and SHA-256; several jobs share the worker', async () => {
  const files = await Promise.all([0, 1].map(async (i) => ({ data: randomBytes(9 << 20 | i), handle: await open(join(dir, `f${i}`), 'w+') })));
  try {
    const jobs = files.map((f) => hasher.open(f.handle.fd));
    for (let offset = 0; offset < 9 << 20; offset += 1 << 20) {
      for (const [i, f] of files.entries()) {
        await f.handle.write(f.data, offset, 1 << 20, offset);
        jobs[i]!.upTo(offset + (1 << 20));
      }
    }
    await files[1]!.handle.write(files[1]!.data, 9 << 20, 1, 9 << 20); // the last byte: hashed by finish
    for (const [i, f] of files.entries()) await expect(jobs[i]!.finish()).resolves.toEqual({ size: f.data.length, sha256: sha256(f.data) });
  } finally {
    for (const f of files) await f.handle.close();
  }
});

test('a job that cannot read its file fails finish with the reason; a closed job cannot finish', async () => {
  const handle = await open(join(dir, 'f'), 'w'); // write-only: reading fails
  try {
    await handle.write(Buffer.from('some bytes'));
    const unreadable = hasher.open(handle.fd);
    unreadable.upTo(10);
    await expect(unreadable.finish()).rejects.toThrow(/^hashing failed: EBADF/);
    const closed = hasher.open(handle.fd);
    await closed.close();
    await expect(closed.finish()).rejects.toThrow('hashing failed: the job has ended');
  } finally {
    await handle.close();
  }
});

test('stopping the hasher fails what waits on it; the next job starts a new worker', async () => {
  const handle = await open(join(dir, 'f'), 'w+');
  try {
    await handle.write(Buffer.from('abc'));
    const before = hasher.open(handle.fd);
    await hasher.stop();
    await expect(before.finish()).rejects.toThrow('the hashing worker has stopped');
    await expect(hasher.open(handle.fd).finish()).resolves.toEqual({ size: 3, sha256: sha256(Buffer.from('abc')) });
  } finally {
    await handle.close();
  }
});
