/**
 * A transfer's temp file: pre-sized, written at offsets in any order (coalesced into pwritev runs), sealed
 * with mode 0644 and the SHA-256 of what is on disk, discarded without a trace.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IncomingFile, isTempName } from '../../../actors/file-juggler/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'piw-incoming-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const noError = (err: unknown) => {
  throw err;
};

describe('IncomingFile', () => {
  test('is made hidden, exclusive, mode 0600 and pre-sized, with a name the start-up sweep recognises', async () => {
    const file = await IncomingFile.create(dir, 7, 123456);
    const [name] = await readdir(dir);
    expect(name).toMatch(/^\.piw-transfer-7-[0-9a-f]{12}\.tmp$/);
    expect(isTempName(name!)).toBe(true);
    expect(isTempName('.index.html.0123456789ab.tmp')).toBe(false);
    const st = await stat(file.path);
    expect(st.size).toBe(123456);
    expect(st.mode & 0o777).toBe(0o600);
    await file.discard();
  });

  test('chunks written in any order, many at once, land at their offsets; seal gives the size and SHA-256 on disk and mode 0644', async () => {
    const data = randomBytes(50 * 65536 + 123);
    const file = await IncomingFile.create(dir, 1, data.length);
    const offsets = Array.from({ length: 51 }, (_, i) => i * 65536);
    // in order first (these coalesce into runs), then the rest backwards
    const order = [...offsets.slice(0, 30), ...offsets.slice(30).reverse()];
    for (const offset of order) file.write(offset, data.subarray(offset, offset + 65536), noError);
    await expect(file.seal()).resolves.toEqual({ size: data.length, sha256: sha256(data) });
    expect((await stat(file.path)).mode & 0o777).toBe(0o644);
    expect((await readFile(file.path)).equals(data)).toBe(true);
    await file.discard();
  });

  test('a chunk written twice ends as its later copy', async () => {
    const file = await IncomingFile.create(dir, 1, 8);
    file.write(0, Buffer.from('aaaabbbb'), noError);
    file.write(2, Buffer.from('XY'), noError);
    file.write(0, Buffer.alloc(0), noError); // nothing
    await file.whenWritten();
    expect(await readFile(file.path, 'utf8')).toBe('aaXYbbbb');
    await file.discard();
  });

  test('a write that fails is reported once and fails the seal', async () => {
    const file = await IncomingFile.create(dir, 1, 10);
    const errors: unknown[] = [];
    // far beyond the largest file the file system allows
    file.write(2 ** 52, Buffer.from('x'), (err) => errors.push(err));
    file.write(2 ** 52 + 1, Buffer.from('y'), (err) => errors.push(err));
    await expect(file.seal()).rejects.toMatchObject({ code: expect.stringMatching(/^(EFBIG|EINVAL)$/) });
    expect(errors).toHaveLength(1);
    await file.discard();
  });

  test('moveTo renames it into place; discard removes it, after the writes in flight, and never throws', async () => {
    const data = randomBytes(300_000);
    const kept = await IncomingFile.create(dir, 1, data.length);
    kept.write(0, data, noError);
    await kept.seal();
    await kept.moveTo(join(dir, 'final.whl'));
    expect((await readFile(join(dir, 'final.whl'))).equals(data)).toBe(true);

    const dropped = await IncomingFile.create(dir, 2, data.length);
    dropped.write(0, data, noError);
    await dropped.discard();
    await dropped.discard();
    expect(await readdir(dir)).toEqual(['final.whl']);
  });

  test('creating it where it cannot be made rejects and leaves nothing', async () => {
    await expect(IncomingFile.create(join(dir, 'missing'), 1, 10)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });
});
