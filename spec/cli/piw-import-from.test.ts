/**
 * piw-import --from URL --version X PROJECT as a real process against Mr Chase on PostgreSQL, fetching
 * from a wheelhouse served over HTTP: the version's wheels imported as one build; a tampered wheel, an
 * index with no hashes or wheels for several ABIs, and nothing is imported.
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../actors/runtime/logger.js';
import { Templates } from '../../actors/scribe/templates.js';
import { FileStorage } from '../../actors/storage/file-storage.js';
import { uploadFolder } from '../../actors/wheelhouse/upload.js';
import { postgresBackend } from '../actors/mr-chase/backend.js';
import { writeWheel } from '../actors/mr-chase/wheels.js';
import { startWorld, type World } from '../actors/mr-chase/world.js';
import { runTool } from './piw-import-support.js';

const backend = postgresBackend();
let world: World;
let dir: string;
let house: string;
let server: Server;
let url: string;

beforeEach(async () => {
  world = await startWorld(backend.get());
  await world.seed({ abis: ['cp311', 'cp312'], versions: [['foo', '1.0']] });
  dir = await mkdtemp(join(tmpdir(), 'piw-import-from-'));
  house = join(dir, 'house');
  const dist = join(dir, 'dist');
  await mkdir(dist);
  for (const name of ['foo-1.0-cp311-cp311-linux_armv7l.whl', 'foo-1.0-py3-none-any.whl', 'foo-0.9-cp311-cp311-linux_armv7l.whl']) await writeWheel(dist, name);
  await uploadFolder({ storage: new FileStorage(house), templates: new Templates(), folder: dist, log: createLogger('test', { sink: () => {} }) });
  server = createServer(async (req, res) => {
    const path = join(house, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) {
      res.statusCode = 404;
      return res.end();
    }
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`;
  world.events.length = 0;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await world.close();
  await rm(dir, { recursive: true, force: true });
});

const importFrom = (...args: string[]) =>
  runTool('piw-import', ['--import-queue', world.address, '--file-queue', world.fileQueue, '-y', '--from', url, ...args]);

test("the version's wheels, verified, become one build; the other version's are left", async () => {
  const r = await importFrom('--version', '1.0', 'foo');
  expect(r).toMatchObject({ code: 0 });
  const builds = await world.builds();
  expect(builds.map((b) => [b.build, b.files.map((f) => f.split(' ')[0])])).toEqual([
    ['foo 1.0 cp311 true 0', ['foo-1.0-cp311-cp311-linux_armv6l.whl', 'foo-1.0-cp311-cp311-linux_armv7l.whl', 'foo-1.0-py3-none-any.whl']],
  ]);
  expect(builds[0]!.output).toBe(`Imported manually via piw-import from ${url}`);
  expect(await world.site()).toEqual(expect.arrayContaining(['simple/foo/foo-1.0-cp311-cp311-linux_armv7l.whl', 'simple/foo/foo-1.0-py3-none-any.whl']));
});

test('a wheel that fails its hash, an index without hashes, wheels of several ABIs: nothing imported', async () => {
  await writeFile(join(house, 'foo-1.0-py3-none-any.whl'), 'tampered');
  const tampered = await importFrom('--version', '1.0', 'foo');
  expect(tampered.code).toBe(1);
  expect(tampered.stderr).toMatch(/foo-1\.0-py3-none-any\.whl: the (size|sha256) is/);

  await writeFile(join(house, 'plain.html'), '<a href="foo-0.9-cp311-cp311-linux_armv7l.whl">w</a>');
  const noHash = await runTool('piw-import', ['--import-queue', world.address, '-y', '--from', url.replace('index.html', 'plain.html'), '--version', '0.9', 'foo']);
  expect(noHash.code).toBe(2);
  expect(noHash.stderr).toContain('the index gives no hash to verify against; nothing imported');

  await writeWheel(house, 'foo-1.0-cp312-cp312-linux_armv7l.whl');
  await writeFile(join(house, 'two.html'), '<a href="foo-1.0-cp311-cp311-linux_armv7l.whl#sha256=00">a</a><a href="foo-1.0-cp312-cp312-linux_armv7l.whl#sha256=00">b</a>');
  const several = await runTool('piw-import', ['--import-queue', world.address, '-y', '--from', url.replace('index.html', 'two.html'), '--version', '1.0', 'foo']);
  expect(several.code).toBe(2);
  expect(several.stderr).toContain('the wheels are for several ABIs (cp311, cp312): choose one with --abi');

  expect(await world.builds()).toEqual([]);
  expect(world.events).toEqual([]);
});
