/**
 * Both storage providers keep the same contract, checked against the real thing: a local directory, and
 * s3rver (a real S3-compatible server process on loopback). Keys that could escape the container are
 * refused before any request; an S3 prefix scopes everything.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { openContainer } from '../../../actors/storage/container.js';
import { FileStorage } from '../../../actors/storage/file-storage.js';
import { checkKey, type Storage } from '../../../actors/storage/storage.js';
import { startS3Server, type S3Server } from '../../../scripts/s3-standin/server.js';

let s3: S3Server;
let dir: string;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'piw-storage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

let bucketCount = 0;
const providers: [string, () => Storage][] = [
  ['a local directory', () => new FileStorage(join(dir, 'container'))],
  [
    'an S3 bucket under a prefix',
    () => openContainer(`s3://bucket-${++bucketCount}-${process.pid}/some/prefix`, { endpointUrl: s3.endpoint, username: 'S3RVER', secret: 'S3RVER' }),
  ],
];

describe.each(providers)('%s', (_, make) => {
  let storage: Storage;
  beforeEach(async () => {
    storage = make();
    await storage.ensure();
    await storage.ensure(); // twice is fine
  });
  afterEach(() => storage.close());

  const keys = async (prefix?: string) => {
    const found: string[] = [];
    for await (const o of storage.list(prefix)) found.push(o.key);
    return found.sort();
  };

  test('put, list, sha256Of, read and delete; missing objects are undefined or PIW_ERR_STORAGE_MISSING', async () => {
    const path = join(dir, 'local.whl');
    await writeFile(path, Buffer.alloc(3 * 1024 * 1024, 7));
    const sha = 'c7b1f1c0b15af0ae2c92a14e1c7d1c97e7c7d6f4a3f2ebd0bb2f0f3c7c1bb6f3';
    const progress: number[] = [];
    await storage.put('a.whl', { path }, { sha256: sha, onProgress: (sent) => progress.push(sent) });
    await storage.put('simple/a/index.html', { body: '<a href="../../a.whl">a</a>' });
    expect(progress.at(-1)).toBe(3 * 1024 * 1024);
    expect(await keys()).toEqual(['a.whl', 'simple/a/index.html']);
    expect(await keys('simple/')).toEqual(['simple/a/index.html']);
    const listed = [];
    for await (const o of storage.list()) listed.push(o);
    expect(listed.find((o) => o.key === 'a.whl')).toMatchObject({ size: 3 * 1024 * 1024 });
    // S3 keeps the hash it was given; a directory hashes the file itself
    const stored = await storage.sha256Of('a.whl');
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    if (storage instanceof FileStorage) expect(stored).not.toBe(sha);
    else expect(stored).toBe(sha);
    expect(await storage.readText('simple/a/index.html')).toBe('<a href="../../a.whl">a</a>');
    const read = await storage.read('simple/a/index.html');
    expect(await text(read.stream)).toBe('<a href="../../a.whl">a</a>');
    expect(await storage.readText('nothing.html')).toBeUndefined();
    expect(await storage.sha256Of('nothing.whl')).toBeUndefined();
    await expect(storage.read('nothing.whl')).rejects.toMatchObject({ code: 'PIW_ERR_STORAGE_MISSING' });
    await storage.delete(['simple/a/index.html', 'not-there.whl']);
    expect(await keys()).toEqual(['a.whl']);
  });

  test('a put replaces the object whole', async () => {
    await storage.put('p.html', { body: 'first version, longer' });
    await storage.put('p.html', { body: 'second' });
    expect(await storage.readText('p.html')).toBe('second');
  });

  test.each(['../escape.whl', '/abs.whl', 'a/../../b', 'a//b', 'a\\b', 'nul\0.whl', ''])('the key %j is refused before any request', async (key) => {
    await expect(storage.put(key, { body: 'x' })).rejects.toMatchObject({ code: 'PIW_ERR_STORAGE_KEY' });
    await expect(storage.read(key)).rejects.toMatchObject({ code: 'PIW_ERR_STORAGE_KEY' });
  });
});

test('a local container leaves no temp file and no empty folder behind', async () => {
  const storage = new FileStorage(join(dir, 'c'));
  await storage.put('simple/x/index.html', { body: 'x' });
  await storage.delete(['simple/x/index.html']);
  expect(await readdir(join(dir, 'c'))).toEqual([]);
});

test('S3: an unknown access key is a PIW_ERR_STORAGE_REQUEST naming the container', async () => {
  const storage = openContainer('s3://bucket-creds/x', { endpointUrl: s3.endpoint, username: 'NOBODY', secret: 'wrong' });
  try {
    await expect(storage.ensure()).rejects.toMatchObject({ code: 'PIW_ERR_STORAGE_REQUEST', message: expect.stringContaining('s3://bucket-creds/x') });
  } finally {
    storage.close();
  }
});

describe('container names', () => {
  test('URLs say which storage; bare names take --provider', () => {
    expect(openContainer('file:///srv/wheelhouse').url).toBe('file:///srv/wheelhouse');
    expect(openContainer('s3://my-bucket/ci/wheels/').url).toBe('s3://my-bucket/ci/wheels');
    expect(openContainer('my-bucket/nightly').url).toBe('s3://my-bucket/nightly');
    expect(openContainer('my-bucket', { provider: 'MINIO', endpointUrl: 'http://127.0.0.1:9000' }).url).toBe('s3://my-bucket/');
    expect(openContainer('house', { provider: 'local', username: '/srv' }).url).toBe('file:///srv/house');
  });

  test.each([
    ['http://example.org/wheels/', {}, 'is not a container'],
    ['s3://B/x', {}, 'is not a bucket name'],
    ['bucket', { provider: 'cloudfiles' }, 'unknown provider'],
    ['s3://bucket', { provider: 's3' }, '--provider is for a bare container name'],
    ['bucket', { username: 'key' }, 'give both'],
    ['bucket', { endpointUrl: 'ftp://x' }, '--endpoint-url'],
  ])('%s %j is refused: %s', (spec, opts, words) => {
    expect(() => openContainer(spec, opts)).toThrow(words);
  });

  test('checkKey accepts plain relative paths', () => {
    expect(checkKey('simple/foo/index.html')).toBe('simple/foo/index.html');
  });
});
