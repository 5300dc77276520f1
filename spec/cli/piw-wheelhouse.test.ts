/**
 * piw-wheelhouse as real processes (issue 13, seed 004) against real servers: s3rver (an S3-compatible
 * server process on loopback) and local directories, with pip reading what upload wrote. A CI job
 * uploads its wheels to a bucket, a maintainer fetches one version back (through the storage API and
 * through the public index.html), several workers race to one bucket, broken files are refused, and
 * bad input exits non-zero.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openContainer } from '../../actors/storage/container.js';
import { filesInIndex } from '../../actors/wheelhouse/index-pages.js';
import { sha256, writeWheel } from '../actors/mr-chase/wheels.js';
import { startS3Server, type S3Server } from '../../scripts/s3-standin/server.js';
import { runTool } from './piw-import-support.js';

let s3: S3Server;
let dir: string;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'piw-wheelhouse-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const wheelhouse = (...args: string[]) => runTool('piw-wheelhouse', args);
let buckets = 0;
const bucket = () => `s3://wheels-${++buckets}-${process.pid}/myproj`;

/** A CI job's dist/: myproj 1.0 (two wheels and an sdist) and 0.9, and a stray file. */
async function distFolder(name = 'dist') {
  const dist = join(dir, name);
  await mkdir(dist, { recursive: true });
  const files: Record<string, Buffer> = {};
  for (const filename of ['myproj-1.0-cp311-cp311-linux_armv7l.whl', 'myproj-1.0-py3-none-any.whl', 'myproj-0.9-py3-none-any.whl']) {
    files[filename] = (await writeWheel(dist, filename)).data;
  }
  files['myproj-1.0.tar.gz'] = Buffer.from('not really a tarball, but an sdist by name');
  await writeFile(join(dist, 'myproj-1.0.tar.gz'), files['myproj-1.0.tar.gz']);
  await writeFile(join(dist, 'build.log'), 'not a distribution');
  return { dist, files };
}

async function listDir(path: string) {
  return (await readdir(path)).sort();
}

test('a CI job uploads to a bucket; a maintainer fetches one version back, verified, by the storage API and by the index page', async () => {
  const { dist, files } = await distFolder();
  const container = bucket();
  const up = await wheelhouse('upload', ...s3.args, '--local-folder', dist, container);
  expect(up).toMatchObject({ code: 0 });
  expect(up.stdout).toMatch(/^uploaded 4 files \(.*\) to s3:\/\/wheels-\d+-\d+\/myproj; index\.html lists 4 files\n$/);
  expect(up.stderr).toContain('skipping build.log: not a wheel or an sdist');

  // Again: nothing to send; --json says so.
  const again = await wheelhouse('upload', ...s3.args, '--json', '--local-folder', dist, container);
  expect(again.code).toBe(0);
  const summary = JSON.parse(again.stdout);
  expect(summary).toMatchObject({ uploaded: [], bytes: 0, index: { files: 4, rounds: 1 } });
  expect(summary.unchanged.map((f: { name: string }) => f.name)).toEqual(Object.keys(files).sort());

  // The index links every file with its hash.
  const storage = openContainer(container, { endpointUrl: s3.endpoint, username: 'S3RVER', secret: 'S3RVER' });
  try {
    const index = filesInIndex(await storage.readText('index.html'));
    expect(index).toEqual(new Map(Object.entries(files).map(([name, data]) => [name, sha256(data)])));
  } finally {
    storage.close();
  }

  // Through the storage API (a private bucket needs no public page).
  const out = join(dir, 'out');
  const fetched = await wheelhouse('fetch', ...s3.args, '--version', '1.0.0', '--local-folder', out, 'MyProj', container);
  expect(fetched).toMatchObject({ code: 0 });
  expect(fetched.stdout).toMatch(/^fetched 3 files/);
  expect(await listDir(out)).toEqual(['myproj-1.0-cp311-cp311-linux_armv7l.whl', 'myproj-1.0-py3-none-any.whl', 'myproj-1.0.tar.gz']);
  for (const name of await listDir(out)) expect(await readFile(join(out, name))).toEqual(files[name]);

  // Through the public index.html over HTTP, into a folder that already has one of them intact.
  const out2 = join(dir, 'out2');
  await mkdir(out2);
  await writeFile(join(out2, 'myproj-1.0.tar.gz'), files['myproj-1.0.tar.gz']!);
  const page = `${s3.endpoint}/${container.slice('s3://'.length)}/index.html`;
  const viaHttp = await wheelhouse('fetch', '--json', '--version', '1.0', '--local-folder', out2, 'myproj', page);
  expect(viaHttp.code).toBe(0);
  expect(JSON.parse(viaHttp.stdout)).toMatchObject({
    project: 'myproj',
    version: '1.0',
    fetched: [{ name: 'myproj-1.0-cp311-cp311-linux_armv7l.whl' }, { name: 'myproj-1.0-py3-none-any.whl' }],
    unchanged: [{ name: 'myproj-1.0.tar.gz' }],
  });

  // pip reads the same page.
  const pip = spawnSync('python3', ['-m', 'pip', 'download', '--no-deps', '--no-index', '--find-links', page, '-d', join(dir, 'pip'), 'myproj==0.9'], {
    env: { ...process.env, PIP_CONFIG_FILE: '/dev/null' },
    encoding: 'utf8',
  });
  expect(pip.status).toBe(0);
  expect(await listDir(join(dir, 'pip'))).toEqual(['myproj-0.9-py3-none-any.whl']);
});

test('four workers uploading to one bucket at once: the index lists every file', async () => {
  const container = bucket();
  const folders = [];
  for (const worker of ['a', 'b', 'c', 'd']) {
    const folder = join(dir, worker);
    await mkdir(folder);
    await writeWheel(folder, `proj_${worker}-1.0-py3-none-any.whl`);
    await writeWheel(folder, `myproj-1.0-cp311-cp311-linux_${worker === 'a' ? 'x86_64' : worker === 'b' ? 'armv7l' : worker === 'c' ? 'aarch64' : 'armv6l'}.whl`);
    folders.push(folder);
  }
  const runs = await Promise.all(folders.map((folder) => wheelhouse('upload', ...s3.args, '--json', '--local-folder', folder, container)));
  for (const r of runs) expect(r.code).toBe(0);
  const storage = openContainer(container, { endpointUrl: s3.endpoint, username: 'S3RVER', secret: 'S3RVER' });
  try {
    const index = filesInIndex(await storage.readText('index.html'));
    expect(index.size).toBe(8);
    expect([...index.values()].every((h) => h !== undefined && /^[0-9a-f]{64}$/.test(h))).toBe(true);
    expect((await storage.readText('simple/myproj/index.html'))!.match(/href=/g)).toHaveLength(4);
    for (const worker of ['a', 'b', 'c', 'd']) expect(await storage.readText(`simple/proj-${worker}/index.html`)).toContain(`proj_${worker}-1.0`);
  } finally {
    storage.close();
  }
});

test('a local container works with pip as a find-links page and as a PEP 503 index', async () => {
  const { dist } = await distFolder();
  const house = join(dir, 'house');
  expect((await wheelhouse('upload', '--local-folder', dist, pathToFileURL(house).href)).code).toBe(0);
  for (const where of [['--find-links', pathToFileURL(join(house, 'index.html')).href], ['--index-url', `${pathToFileURL(house).href}/simple/`]]) {
    const target = join(dir, `pip${where[0]}`);
    const pip = spawnSync('python3', ['-m', 'pip', 'download', '--no-deps', ...(where[0] === '--find-links' ? ['--no-index'] : []), ...where, '-d', target, 'myproj==1.0', '--only-binary', ':all:', '--platform', 'linux_armv7l', '--python-version', '3.11', '--implementation', 'cp', '--abi', 'cp311'], {
      env: { ...process.env, PIP_CONFIG_FILE: '/dev/null' },
      encoding: 'utf8',
    });
    expect(pip.stderr).not.toMatch(/ERROR/);
    expect(await listDir(target)).toEqual(['myproj-1.0-cp311-cp311-linux_armv7l.whl']);
  }
});

test("a file whose hash is not its index's is refused and not kept; without a URL setup.cfg's artifact_indexes are read", async () => {
  const { dist, files } = await distFolder();
  const house = join(dir, 'house');
  expect((await wheelhouse('upload', '--local-folder', dist, pathToFileURL(house).href)).code).toBe(0);
  await writeFile(join(house, 'myproj-0.9-py3-none-any.whl'), 'tampered');
  const cfg = join(dir, 'setup.cfg');
  await writeFile(cfg, `[metadata]\nname = myproj\n\n[wheelhouse_uploader]\nartifact_indexes=\n    # the CI's wheelhouse\n    ${pathToFileURL(join(house, 'index.html')).href}\n`);
  const out = join(dir, 'out');
  const bad = await wheelhouse('fetch', '--setup-cfg', cfg, '--version', '0.9', '--local-folder', out, 'myproj');
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/myproj-0\.9-py3-none-any\.whl: the (size|sha256) is \d+|[0-9a-f]+, expected/);
  expect(await listDir(out)).toEqual([]);
  const good = await wheelhouse('fetch', '--setup-cfg', cfg, '--version', '1.0', '--local-folder', out, 'myproj');
  expect(good.code).toBe(0);
  expect(await listDir(out)).toEqual(Object.keys(files).filter((f) => f.includes('1.0')).sort());
});

test('nothing of the version: exit 1 naming the versions there; bad input exits non-zero with a clear message', async () => {
  const { dist } = await distFolder();
  const house = pathToFileURL(join(dir, 'house')).href;
  expect((await wheelhouse('upload', '--local-folder', dist, house)).code).toBe(0);
  const none = await wheelhouse('fetch', '--version', '2.0', '--local-folder', join(dir, 'o'), 'myproj', house);
  expect(none).toMatchObject({ code: 1 });
  expect(none.stderr).toContain('no artifact of myproj 2.0');
  expect(none.stderr).toMatch(/versions there: 0\.9, 1\.0/);

  const missing = await wheelhouse('upload', '--local-folder', join(dir, 'nope'), house);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('cannot read the folder');
  const provider = await wheelhouse('upload', '--provider', 'cloudfiles', '--local-folder', dist, 'bucket');
  expect(provider.code).toBe(2);
  expect(provider.stderr).toContain('expected one of s3, minio, local');
  const container = await wheelhouse('upload', '--local-folder', dist, 'http://example.invalid/x');
  expect(container.code).toBe(1);
  expect(container.stderr).toContain('is not a container');
  const noCfg = await wheelhouse('fetch', '--setup-cfg', join(dir, 'missing.cfg'), 'myproj');
  expect(noCfg.code).toBe(2);
  expect(noCfg.stderr).toContain('no URL given');
});
