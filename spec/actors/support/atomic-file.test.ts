import { mkdtemp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempPathFor, writeFileAtomic, writeFilesAtomic } from '../../../actors/support/atomic-file.js';

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

describe('writeFilesAtomic: several files, one fsync each and one per directory', () => {
  test('writes and replaces every file, in several directories, with the mode asked for', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'old.html'), 'old');
    async function* chunks() {
      yield '{"a":';
      yield '1}';
    }
    await writeFilesAtomic([
      { path: join(dir, 'old.html'), data: 'new' },
      { path: join(dir, 'sub', 'a.json'), data: chunks() },
      { path: join(dir, 'sub', 'b.bin'), data: new Uint8Array([7]) },
    ]);
    expect(await readFile(join(dir, 'old.html'), 'utf8')).toBe('new');
    expect(await readFile(join(dir, 'sub', 'a.json'), 'utf8')).toBe('{"a":1}');
    expect((await stat(join(dir, 'sub', 'b.bin'))).mode & 0o777).toBe(0o644);
    expect((await readdir(join(dir, 'sub'))).sort()).toEqual(['a.json', 'b.bin']);
  });

  test('content that fails part-way replaces nothing and leaves no temp file', async () => {
    await writeFile(join(dir, 'a.html'), 'kept');
    async function* failing() {
      yield 'half';
      throw new Error('the database went away');
    }
    await expect(
      writeFilesAtomic([
        { path: join(dir, 'a.html'), data: 'replaced?' },
        { path: join(dir, 'b.html'), data: failing() },
      ]),
    ).rejects.toThrow('the database went away');
    expect(await readFile(join(dir, 'a.html'), 'utf8')).toBe('kept');
    expect(await readdir(dir)).toEqual(['a.html']);
  });
});

test('writeFilesAtomic with skipUnchanged leaves files that hold the content already alone, and replaces the rest', async () => {
  await writeFilesAtomic([
    { path: join(dir, 'same.json'), data: '{"a":1}' },
    { path: join(dir, 'other.json'), data: 'old' },
  ]);
  const before = await stat(join(dir, 'same.json'));
  await writeFilesAtomic(
    [
      { path: join(dir, 'same.json'), data: ['{"a":', '1}'] },
      { path: join(dir, 'other.json'), data: 'new' },
      { path: join(dir, 'fresh.json'), data: 'x' },
    ],
    { skipUnchanged: true },
  );
  expect((await stat(join(dir, 'same.json'))).ino).toBe(before.ino); // not replaced
  expect(await readFile(join(dir, 'other.json'), 'utf8')).toBe('new');
  expect(await readFile(join(dir, 'fresh.json'), 'utf8')).toBe('x');
  // the same content with another mode is replaced, to get the mode right
  await writeFilesAtomic([{ path: join(dir, 'same.json'), data: '{"a":1}' }], { skipUnchanged: true, mode: 0o600 });
  expect((await stat(join(dir, 'same.json'))).mode & 0o777).toBe(0o600);
});
