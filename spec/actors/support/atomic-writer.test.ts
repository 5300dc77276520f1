import { mkdtemp, mkdir, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AtomicWriter, WriterStoppedError } from '../../../actors/support/atomic-writer.js';

let dir: string;
let writer: AtomicWriter;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'piw-writer-'));
  writer = new AtomicWriter({ threads: 2 });
});
afterEach(async () => {
  await writer.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('writeFiles: a set of files, each replaced atomically', () => {
  test('writes and replaces every file, in several directories, with mode 0644 whatever the umask', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'old.html'), 'old');
    async function* chunks() {
      yield '{"a":';
      await new Promise((r) => setImmediate(r));
      yield '1}';
    }
    const old = process.umask(0o077);
    try {
      await writer.writeFiles([
        { path: join(dir, 'old.html'), data: 'new' },
        { path: join(dir, 'sub', 'a.json'), data: chunks() },
        { path: join(dir, 'sub', 'b.bin'), data: new Uint8Array([7, 8]) },
        { path: join(dir, 'sub', 'c.txt'), data: ['é', new TextEncoder().encode('!')] },
      ]);
    } finally {
      process.umask(old);
    }
    expect(await readFile(join(dir, 'old.html'), 'utf8')).toBe('new');
    expect(await readFile(join(dir, 'sub', 'a.json'), 'utf8')).toBe('{"a":1}');
    expect([...(await readFile(join(dir, 'sub', 'b.bin')))]).toEqual([7, 8]);
    expect(await readFile(join(dir, 'sub', 'c.txt'), 'utf8')).toBe('é!');
    for (const name of ['old.html', 'sub/a.json', 'sub/b.bin']) expect((await stat(join(dir, name))).mode & 0o777).toBe(0o644);
    expect((await readdir(join(dir, 'sub'))).sort()).toEqual(['a.json', 'b.bin', 'c.txt']);
    expect((await readdir(dir)).sort()).toEqual(['old.html', 'sub']);
  });

  test('behaviour 156: content that fails part-way replaces nothing and leaves no temp file', async () => {
    await writeFile(join(dir, 'a.html'), 'kept');
    async function* failing() {
      yield 'half';
      throw new Error('the database went away');
    }
    await expect(
      writer.writeFiles([
        { path: join(dir, 'a.html'), data: 'replaced?' },
        { path: join(dir, 'b.html'), data: failing() },
        { path: join(dir, 'c.html'), data: 'new?' },
      ]),
    ).rejects.toThrow('the database went away');
    expect(await readFile(join(dir, 'a.html'), 'utf8')).toBe('kept');
    expect(await readdir(dir)).toEqual(['a.html']);
  });

  test('a missing directory fails with ENOENT, replaces nothing and leaves no temp file', async () => {
    await writeFile(join(dir, 'a.html'), 'kept');
    await expect(
      writer.writeFiles([
        { path: join(dir, 'a.html'), data: 'replaced?' },
        { path: join(dir, 'nope', 'x.html'), data: 'data' },
      ]),
    ).rejects.toMatchObject({ code: 'ENOENT', syscall: 'open' });
    expect(await readFile(join(dir, 'a.html'), 'utf8')).toBe('kept');
    expect(await readdir(dir)).toEqual(['a.html']);
  });

  test('a failing rename (a non-empty directory in the way) removes the temp files not yet renamed', async () => {
    await mkdir(join(dir, 'page'));
    await writeFile(join(dir, 'page', 'keep'), 'x');
    await expect(
      writer.writeFiles([
        { path: join(dir, 'first.html'), data: 'renamed before the failure' },
        { path: join(dir, 'page'), data: 'data' },
        { path: join(dir, 'last.html'), data: 'never renamed' },
      ]),
    ).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/) });
    expect((await readdir(dir)).sort()).toEqual(['first.html', 'page']);
    expect(await readdir(join(dir, 'page'))).toEqual(['keep']);
  });

  test('skipUnchanged leaves files that hold the content already alone, and replaces the rest', async () => {
    await writer.writeFiles([
      { path: join(dir, 'same.json'), data: '{"a":1}' },
      { path: join(dir, 'other.json'), data: 'old' },
    ]);
    const before = await stat(join(dir, 'same.json'));
    await writer.writeFiles(
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
    await writer.writeFiles([{ path: join(dir, 'same.json'), data: '{"a":1}' }], { skipUnchanged: true, mode: 0o600 });
    expect((await stat(join(dir, 'same.json'))).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['fresh.json', 'other.json', 'same.json']);
  });

  test('concurrent sets writing one path: one complete version wins, no temp files remain', async () => {
    const path = join(dir, 'same.html');
    const versions = Array.from({ length: 20 }, (_, i) => String(i).repeat(10_000));
    await Promise.all(versions.map((v) => writer.writeFiles([{ path, data: v }])));
    expect(versions).toContain(await readFile(path, 'utf8'));
    expect(await readdir(dir)).toEqual(['same.html']);
  });

  test('a big page produced in many chunks arrives whole', async () => {
    const parts = Array.from({ length: 300 }, (_, i) => `<a href="p${i}/">${'x'.repeat(20_000)}</a>\n`);
    async function* chunks() {
      for (const p of parts) yield p;
    }
    await writer.writeFiles([
      { path: join(dir, 'small.json'), data: '{}' },
      { path: join(dir, 'index.html'), data: chunks() },
    ]);
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe(parts.join(''));
    expect(await readFile(join(dir, 'small.json'), 'utf8')).toBe('{}');
  });

  test('a big page failing after parts of it were sent writes nothing, and the set after it is written', async () => {
    async function* failing() {
      for (let i = 0; i < 200; i++) yield 'x'.repeat(20_000);
      throw new Error('template exploded');
    }
    await expect(writer.writeFiles([{ path: join(dir, 'index.html'), data: failing() }])).rejects.toThrow('template exploded');
    expect(await readdir(dir)).toEqual([]);
    await writer.writeFiles([{ path: join(dir, 'index.html'), data: 'fine' }]);
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe('fine');
  });
});

describe('placeFiles: files that can be made again', () => {
  test('writes each file (gzip-compressed when asked), making missing directories, with mode 0644', async () => {
    const files = Array.from({ length: 9 }, (_, i) => ({ path: join(dir, 'logs', String(i % 3), `${i}.txt.gz`), data: `log ${i}\n`.repeat(50), gzip: true }));
    const old = process.umask(0o077);
    let errors;
    try {
      errors = await writer.placeFiles([...files, { path: join(dir, 'plain.txt'), data: new Uint8Array([104, 105]) }]);
    } finally {
      process.umask(old);
    }
    expect(errors).toEqual(Array(10).fill(undefined));
    for (const f of files) {
      expect(gunzipSync(await readFile(f.path)).toString('utf8')).toBe(f.data);
      expect((await stat(f.path)).mode & 0o777).toBe(0o644);
    }
    expect(await readFile(join(dir, 'plain.txt'), 'utf8')).toBe('hi');
    expect((await readdir(join(dir, 'logs', '0'))).sort()).toEqual(['0.txt.gz', '3.txt.gz', '6.txt.gz']);
  });

  test('one file failing is reported in its place; the others are written and no temp file remains', async () => {
    await mkdir(join(dir, 'taken.txt.gz'));
    await writeFile(join(dir, 'taken.txt.gz', 'x'), 'x');
    const errors = await writer.placeFiles([
      { path: join(dir, 'a.txt'), data: 'a' },
      { path: join(dir, 'taken.txt.gz'), data: 'b', gzip: true },
      { path: join(dir, 'c.txt'), data: 'c' },
    ]);
    expect(errors[0]).toBeUndefined();
    expect(errors[1]).toMatchObject({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/) });
    expect(errors[2]).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'c.txt', 'taken.txt.gz']);
  });
});

test('survey, present: regular files of at least the size asked for each', async () => {
  await writeFile(join(dir, 'big'), 'x'.repeat(30));
  await writeFile(join(dir, 'small'), 'x'.repeat(5));
  await mkdir(join(dir, 'adir'));
  const names = ['big', 'small', 'adir', 'missing'];
  expect((await writer.survey({ files: names.map((n) => ({ path: join(dir, n), minSize: 20 })) })).present).toEqual([true, false, false, false]);
  expect((await writer.survey({ files: [{ path: join(dir, 'small') }] })).present).toEqual([true]);
  expect(await writer.survey({})).toEqual({ made: [], present: [] });
});

test('survey makes the directories first, then looks for the files (one job)', async () => {
  const { made, present } = await writer.survey({ dirs: [join(dir, 'new')], files: [{ path: join(dir, 'new') }, { path: join(dir, 'nope') }] });
  expect(made).toEqual([true]);
  expect(present).toEqual([false, false]); // a directory is not a file
  expect((await stat(join(dir, 'new'))).isDirectory()).toBe(true);
});

test('after stop() nothing more is written, with a typed error', async () => {
  await writer.writeFiles([{ path: join(dir, 'a'), data: 'a' }]);
  await writer.stop();
  await expect(writer.writeFiles([{ path: join(dir, 'b'), data: 'b' }])).rejects.toBeInstanceOf(WriterStoppedError);
  await expect(writer.placeFiles([{ path: join(dir, 'c'), data: 'c' }])).rejects.toMatchObject({ code: 'PIW_ERR_WRITER_STOPPED' });
  expect(await readdir(dir)).toEqual(['a']);
});

test('idle workers end, and the next set starts another', async () => {
  const quick = new AtomicWriter({ threads: 1, idleMs: 10 });
  try {
    await quick.writeFiles([{ path: join(dir, 'a'), data: 'a' }]);
    await new Promise((r) => setTimeout(r, 200));
    await quick.writeFiles([{ path: join(dir, 'b'), data: 'b' }]);
    expect((await readdir(dir)).sort()).toEqual(['a', 'b']);
  } finally {
    await quick.stop();
  }
});

test('survey, made: makes what is missing, parents first, and leaves what is in the way (and below it) alone', async () => {
  await mkdir(join(dir, 'real'));
  await mkdir(join(dir, 'target'));
  await symlink('target', join(dir, 'link'));
  await writeFile(join(dir, 'file'), 'x');
  const paths = [join(dir, 'real'), join(dir, 'new'), join(dir, 'new', 'sub'), join(dir, 'link'), join(dir, 'link', 'json')];
  expect((await writer.survey({ dirs: paths })).made).toEqual([true, true, true, false, false]);
  expect(await readdir(join(dir, 'target'))).toEqual([]); // nothing made through the link
  expect((await stat(join(dir, 'new', 'sub'))).isDirectory()).toBe(true);
  expect((await writer.survey({ dirs: [join(dir, 'file'), join(dir, 'after')] })).made).toEqual([false, false]);
  expect((await readdir(dir)).sort()).toEqual(['file', 'link', 'new', 'real', 'target']);
});
