/**
 * The File Juggler's fs queue (protocols/README.md §4.2; behaviours 72–74, 81–84): EXPECT and VERIFY over the bus
 * with real files on disk, transfers played by a raw DEALER, and hostile input refused before anything is
 * written.
 */
import { lstat, mkdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MAX_FILE_SIZE, diskStats } from '../../../actors/file-juggler/index.js';
import { queues } from '../../../actors/runtime/queues.js';
import { eventually } from '../zmq/support.js';
import { rawClientsOf, startMaster, tempFiles, wheel, type Master } from './support.js';

let master: Master;
// `master` is unset until the first test starts one.
const client = rawClientsOf(() => master as Master | undefined);

const OK = { verb: 'OK', data: null };

describe('File Juggler: start-up and EXPECT', () => {
  test('behaviour 72: at start-up it pushes STATFS [size, free] of the output path', async () => {
    master = await startMaster();
    await eventually(() => master.statfs.length === 1);
    const [size, free] = master.statfs[0]!;
    const [realSize] = await diskStats(master.output);
    expect(size).toBe(realSize);
    expect(Number.isSafeInteger(free) && free > 0 && free <= size).toBe(true);
  });

  test('behaviour 73: EXPECT → OK null; <output>/simple is made again if it went, and a pre-sized temp file waits in it', async () => {
    master = await startMaster();
    await rm(join(master.output, 'simple'), { recursive: true });
    const w = wheel(123456);
    await expect(master.expect(3, w.file)).resolves.toEqual(OK);
    const temps = await tempFiles(master.output);
    expect(temps).toHaveLength(1);
    const st = await stat(join(master.output, 'simple', temps[0]!));
    expect(st.size).toBe(123456);
    expect(st.mode & 0o777).toBe(0o600);
    expect(master.juggler.transfers()).toEqual([
      { slaveId: 3, filename: w.filename, filesize: 123456, state: 'waiting', missing: 123456 },
    ]);
  });

  test('a second EXPECT for the same slave replaces the first and removes its temp file', async () => {
    master = await startMaster();
    await master.expect(3, wheel(1000).file);
    const [first] = await tempFiles(master.output);
    const second = wheel(2000, 'bar-1.0-py3-none-any.whl');
    await expect(master.expect(3, second.file)).resolves.toEqual(OK);
    const temps = await tempFiles(master.output);
    expect(temps).toHaveLength(1);
    expect(temps[0]).not.toBe(first);
    expect(master.juggler.transfers().map((t) => t.filename)).toEqual(['bar-1.0-py3-none-any.whl']);
  });

  test.each([
    ['../x.whl', 'contains a path separator'],
    ['/etc/x-1.0-py3-none-any.whl', 'contains a path separator'],
    ['foo\0-1.0-py3-none-any.whl', 'contains a NUL byte'],
    ['a/b-1.0-py3-none-any.whl', 'contains a path separator'],
    ['a\\b-1.0-py3-none-any.whl', 'contains a path separator'],
    ['..', 'starts with a dot'],
    ['.foo-1.0-py3-none-any.whl', 'starts with a dot'],
    ['', 'empty name'],
    ['foo.whl', 'not of the form name-version[-build]-python-abi-platform.whl (PEP 427)'],
    ['foo-1.0.tar.gz', 'does not end in .whl'],
    ['foo bar-1.0-py3-none-any.whl', 'contains whitespace or control characters'],
  ])('a hostile or malformed filename %j is refused at EXPECT with ERROR, logged, and nothing is written', async (filename, why) => {
    master = await startMaster();
    const before = await master.tree();
    const w = wheel(10);
    w.file[0] = filename;
    const reply = await master.expect(1, w.file);
    expect(reply.verb).toBe('ERROR');
    expect(reply.data).toContain('refusing to expect a file from slave 1: invalid wheel filename');
    expect(reply.data).toContain(why);
    expect(master.log.entries.some((e) => e.level === 'error' && e.message === reply.data)).toBe(true);
    expect(await master.tree()).toEqual(before);
    expect(master.juggler.transfers()).toEqual([]);
  });

  test('a size over the configured limit is refused at EXPECT; the default limit is 2 GiB', async () => {
    master = await startMaster({ maxFileSize: 1000 });
    const small = wheel(1000);
    await expect(master.expect(1, small.file)).resolves.toEqual(OK);
    const big = wheel(10);
    big.file[1] = 1001;
    const reply = await master.expect(2, big.file);
    expect(reply).toEqual({
      verb: 'ERROR',
      data: 'refusing to expect a file from slave 2: "foo-0.1-cp311-cp311-linux_x86_64.whl" is 1001 bytes, over the limit of 1000 bytes',
    });
    expect(await tempFiles(master.output)).toHaveLength(1);
    expect(DEFAULT_MAX_FILE_SIZE).toBe(2 * 1024 ** 3);
    await master.close();
    master = await startMaster();
    big.file[1] = DEFAULT_MAX_FILE_SIZE + 1;
    expect((await master.expect(2, big.file)).data).toContain('over the limit of 2147483648 bytes');
  });

  test('a negative size or a hash that is not 64 lowercase hex digits is refused at EXPECT', async () => {
    master = await startMaster();
    const w = wheel(10);
    await expect(master.expect(1, [w.file[0], -1, ...w.file.slice(2)] as typeof w.file)).resolves.toEqual({
      verb: 'ERROR',
      data: 'refusing to expect a file from slave 1: invalid size for "foo-0.1-cp311-cp311-linux_x86_64.whl": -1',
    });
    const upper = [...w.file] as typeof w.file;
    upper[2] = w.file[2].toUpperCase();
    expect((await master.expect(1, upper)).data).toContain('expected 64 lowercase hex digits of SHA-256');
    expect(await tempFiles(master.output)).toEqual([]);
  });

  test('behaviour 74: a garbage fs request is answered ERROR with an error log; the juggler carries on', async () => {
    master = await startMaster();
    const garbage = [
      null,
      'garbage',
      { verb: 'FOO', data: 1 },
      { verb: 'EXPECT' },
      { verb: 'EXPECT', data: 'x' },
      { verb: 'VERIFY', data: [1] },
      { verb: 'VERIFY', data: ['1', 'foo'] },
    ];
    for (const request of garbage) {
      const reply = await master.juggler.handle(request);
      expect(reply.verb).toBe('ERROR');
      expect(reply.data).toMatch(/^invalid fs request: /);
    }
    expect(master.log.entries.filter((e) => e.level === 'error' && e.message.startsWith('invalid fs request: '))).toHaveLength(garbage.length);
    // over the bus, the requester's own check refuses such a request before it is sent
    await expect(master.bus.request(queues.fs, { verb: 'EXPECT', data: 'x' } as never)).rejects.toMatchObject({ code: 'PIW_ERR_INVALID_DATA' });
    await expect(master.expect(1, wheel(10).file)).resolves.toEqual(OK);
  });
});

describe('File Juggler: VERIFY', () => {
  test('behaviour 81: a transfer that matches size and SHA-256 is moved to simple/<pkg>/<filename> (0644) and STATFS is pushed → OK null', async () => {
    master = await startMaster();
    await eventually(() => master.statfs.length === 1);
    const w = wheel(200_000);
    await master.expect(1, w.file);
    await client().transfer(1, w.data);
    await expect(master.verify(1, 'foo')).resolves.toEqual(OK);
    const path = join(master.output, 'simple', 'foo', w.filename);
    expect((await readFile(path)).equals(w.data)).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o644);
    await eventually(() => master.statfs.length === 2);
    expect(await tempFiles(master.output)).toEqual([]);
    expect(master.juggler.transfers()).toEqual([]);
    expect(master.log.entries.map((e) => e.message)).toContain(`stored foo/${w.filename} (200000 bytes) from slave 1`);
  });

  test('behaviour 82: a wrong hash → ERROR naming the mismatch, a warning, no temp file and nothing in simple/<pkg>/', async () => {
    master = await startMaster();
    const w = wheel(100_000);
    const lying = [...w.file] as typeof w.file;
    lying[2] = 'ab'.repeat(32);
    await master.expect(1, lying);
    await client().transfer(1, w.data);
    await expect(master.verify(1, 'foo')).resolves.toEqual({
      verb: 'ERROR',
      data: `failed to verify transfer of ${w.filename}: SHA-256 mismatch`,
    });
    expect(master.log.entries.some((e) => e.level === 'warning' && e.message.includes('SHA-256 mismatch'))).toBe(true);
    expect(await tempFiles(master.output)).toEqual([]);
    await expect(lstat(join(master.output, 'simple', 'foo'))).rejects.toMatchObject({ code: 'ENOENT' });
    // the transfer is over: a second VERIFY finds nothing
    expect((await master.verify(1, 'foo')).data).toBe('no transfer from slave 1 to verify');
  });

  test('behaviour 82: a wrong size (the client has fewer bytes than EXPECTed) → DONE at once, then ERROR on VERIFY, no temp file', async () => {
    master = await startMaster();
    const w = wheel(200_000);
    await master.expect(1, w.file);
    // the client answers FETCHes past its 150,000 bytes with nothing; DONE ends it instead of more FETCHes
    await client().transfer(1, w.data.subarray(0, 150_000));
    const reply = await master.verify(1, 'foo');
    expect(reply.verb).toBe('ERROR');
    expect(reply.data).toMatch(new RegExp(`^wrong size for transfer of ${w.filename.replace(/\./g, '\\.')}: expected 200000 bytes, but the client has none at offset (150000|196608)$`));
    expect(await tempFiles(master.output)).toEqual([]);
  });

  test('VERIFY with no transfer, or before the transfer has every byte, is ERROR; an unfinished transfer carries on', async () => {
    master = await startMaster();
    expect(await master.verify(9, 'foo')).toEqual({ verb: 'ERROR', data: 'no transfer from slave 9 to verify' });
    const w = wheel(100_000);
    await master.expect(9, w.file);
    expect(await master.verify(9, 'foo')).toEqual({
      verb: 'ERROR',
      data: `transfer of "${w.filename}" from slave 9 is not complete`,
    });
    await client().transfer(9, w.data);
    await expect(master.verify(9, 'foo')).resolves.toEqual(OK);
  });

  test('behaviour 83: committing an armv7l wheel makes the relative armv6l link beside it, unless that name exists', async () => {
    master = await startMaster();
    const v7 = wheel(70_000, 'foo-0.1-cp311-cp311-linux_armv7l.whl');
    await master.expect(1, v7.file);
    await client().transfer(1, v7.data);
    await expect(master.verify(1, 'foo')).resolves.toEqual(OK);
    const dir = join(master.output, 'simple', 'foo');
    const link = join(dir, 'foo-0.1-cp311-cp311-linux_armv6l.whl');
    expect(await readlink(link)).toBe('foo-0.1-cp311-cp311-linux_armv7l.whl');
    expect((await readFile(link)).equals(v7.data)).toBe(true);

    // a genuine armv6l build already there is left alone when the armv7l wheel arrives
    const bar6 = join(master.output, 'simple', 'bar', 'bar-2.0-cp311-cp311-linux_armv6l.whl');
    await mkdir(join(master.output, 'simple', 'bar'));
    await writeFile(bar6, 'a real armv6l wheel');
    const bar7 = wheel(5_000, 'bar-2.0-cp311-cp311-linux_armv7l.whl');
    await master.expect(2, bar7.file);
    await client().transfer(2, bar7.data);
    await expect(master.verify(2, 'bar')).resolves.toEqual(OK);
    expect((await lstat(bar6)).isSymbolicLink()).toBe(false);
    expect(await readFile(bar6, 'utf8')).toBe('a real armv6l wheel');

    // other platforms get no link
    const x86 = wheel(5_000, 'baz-1.0-cp311-cp311-linux_x86_64.whl');
    await master.expect(3, x86.file);
    await client().transfer(3, x86.data);
    await master.verify(3, 'baz');
    expect((await master.tree()).filter((p) => p.startsWith('www/simple/baz/'))).toEqual(['www/simple/baz/baz-1.0-cp311-cp311-linux_x86_64.whl']);
  });

  test('behaviour 84: a package directory that is a symlink is replaced by a real directory; the link target is untouched', async () => {
    let elsewhere = '';
    master = await startMaster({}, async (output) => {
      elsewhere = join(output, '..', 'elsewhere');
      await mkdir(elsewhere);
      await mkdir(join(output, 'simple'), { recursive: true });
      await symlink(elsewhere, join(output, 'simple', 'foo'));
    });
    const w = wheel(1_000);
    await master.expect(1, w.file);
    await client().transfer(1, w.data);
    await expect(master.verify(1, 'foo')).resolves.toEqual(OK);
    const dir = join(master.output, 'simple', 'foo');
    expect((await lstat(dir)).isDirectory()).toBe(true);
    expect((await readFile(join(dir, w.filename))).equals(w.data)).toBe(true);
    expect((await master.tree()).filter((p) => p.startsWith('elsewhere/'))).toEqual([]);
  });

  test.each(['../evil', '..', 'a/b', '/etc', '', 'foo\0bar', '-foo'])(
    'a VERIFY naming package %j is refused, the temp file removed, nothing written outside the output directory',
    async (pkg) => {
      master = await startMaster();
      const w = wheel(1_000);
      await master.expect(1, w.file);
      await client().transfer(1, w.data);
      const reply = await master.verify(1, pkg);
      expect(reply.verb).toBe('ERROR');
      expect(reply.data).toBe(`refusing package name ${JSON.stringify(pkg)}: it is not a valid project name`);
      expect(await master.tree()).toEqual(['www', 'www/simple']);
    },
  );

  test('a file that cannot be moved into place (a directory in the way) → ERROR, the temp file removed', async () => {
    master = await startMaster();
    const w = wheel(1_000);
    await mkdir(join(master.output, 'simple', 'foo', w.filename, 'inside'), { recursive: true });
    await master.expect(1, w.file);
    await client().transfer(1, w.data);
    const reply = await master.verify(1, 'foo');
    expect(reply.verb).toBe('ERROR');
    expect(reply.data).toMatch(new RegExp(`^cannot store "${w.filename.replace(/\./g, '\\.')}" in simple/foo/: `));
    expect(await tempFiles(master.output)).toEqual([]);
  });

  test('a verified transfer nobody VERIFYs is dropped with its temp file after the claim timeout', async () => {
    master = await startMaster({ claimTimeoutMs: 50 });
    const w = wheel(1_000);
    await master.expect(1, w.file);
    await client().transfer(1, w.data);
    await eventually(() => master.log.entries.some((e) => e.message.startsWith('dropping the transfer')));
    expect(master.juggler.transfers()).toEqual([]);
    for (let left = await tempFiles(master.output); left.length > 0; left = await tempFiles(master.output)) await new Promise((r) => setTimeout(r, 5));
    expect(master.log.entries.map((e) => e.message)).toContain(`dropping the transfer of ${w.filename} from slave 1: no VERIFY came for it`);
    expect((await master.verify(1, 'foo')).data).toBe('no transfer from slave 1 to verify');
  });
});
