import { mkdtemp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempPathFor, writeFileAtomic } from '../../../actors/support/atomic-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'piw-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('writes a new file with mode 0644 by default, whatever the umask', async () => {
  const old = process.umask(0o077);
  try {
    await writeFileAtomic(join(dir, 'a.html'), '<p>hi</p>');
    await writeFileAtomic(join(dir, 'b.bin'), new Uint8Array([1, 2, 3]), 0o600);
  } finally {
    process.umask(old);
  }
  expect(await readFile(join(dir, 'a.html'), 'utf8')).toBe('<p>hi</p>');
  expect((await stat(join(dir, 'a.html'))).mode & 0o777).toBe(0o644);
  expect([...(await readFile(join(dir, 'b.bin')))]).toEqual([1, 2, 3]);
  expect((await stat(join(dir, 'b.bin'))).mode & 0o777).toBe(0o600);
  expect((await readdir(dir)).sort()).toEqual(['a.html', 'b.bin']);
});

test('replaces an existing file and accepts content produced in chunks (sync and async)', async () => {
  const path = join(dir, 'index.html');
  await writeFile(path, 'old');
  await writeFileAtomic(path, ['a', new TextEncoder().encode('b'), 'c']);
  expect(await readFile(path, 'utf8')).toBe('abc');
  async function* parts() {
    yield 'x';
    await new Promise((r) => setImmediate(r));
    yield 'y';
  }
  await writeFileAtomic(path, parts());
  expect(await readFile(path, 'utf8')).toBe('xy');
});

test('behaviour 156: an exception while producing the content leaves the old file and no temp file', async () => {
  const path = join(dir, 'index.html');
  await writeFile(path, 'old contents');
  async function* failing() {
    yield 'half a page';
    throw new Error('template exploded');
  }
  await expect(writeFileAtomic(path, failing())).rejects.toThrow('template exploded');
  expect(await readFile(path, 'utf8')).toBe('old contents');
  expect(await readdir(dir)).toEqual(['index.html']);
});

test('a failing rename (a non-empty directory in the way) removes the temp file', async () => {
  await mkdir(join(dir, 'page'));
  await writeFile(join(dir, 'page', 'keep'), 'x');
  await expect(writeFileAtomic(join(dir, 'page'), 'data')).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/) });
  expect(await readdir(dir)).toEqual(['page']);
  expect(await readdir(join(dir, 'page'))).toEqual(['keep']);
});

test('a missing directory fails with ENOENT and creates nothing', async () => {
  await expect(writeFileAtomic(join(dir, 'nope', 'x.html'), 'data')).rejects.toMatchObject({ code: 'ENOENT' });
  expect(await readdir(dir)).toEqual([]);
});

test('concurrent writers of one path: one complete version wins, no temp files remain', async () => {
  const path = join(dir, 'same.html');
  const versions = Array.from({ length: 20 }, (_, i) => String(i).repeat(10_000));
  await Promise.all(versions.map((v) => writeFileAtomic(path, v)));
  expect(versions).toContain(await readFile(path, 'utf8'));
  expect(await readdir(dir)).toEqual(['same.html']);
});

test('temp names are hidden, unique and beside the target', () => {
  const a = tempPathFor('/out/simple/foo/index.html');
  const b = tempPathFor('/out/simple/foo/index.html');
  expect(a).toMatch(/^\/out\/simple\/foo\/\.index\.html\.\d+-[0-9a-z]+\.tmp$/);
  expect(a).not.toBe(b);
});
