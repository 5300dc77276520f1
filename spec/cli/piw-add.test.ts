/**
 * piw-add as a real process against a running Mr Chase (with the Scribe writing pages and the Oracle on a
 * real database), on PostgreSQL and on the embedded PGlite: packages and versions added and corrected,
 * the master's refusals (an unknown package, a skip of a known one) with the database unchanged, the
 * pages rewritten, the description from PyPI's JSON API, the prompt, and bad options.
 */
import { access } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startWorld, type World } from '../actors/mr-chase/world.js';
import { BACKENDS, openBackend, type TestBackend } from '../support/postgres.js';
import { runTool } from './piw-import-support.js';

const exists = (path: string) => access(path).then(() => true, () => false);

/** A PyPI JSON API stand-in with one project. */
let pypi: Server;
let pypiUrl: string;
beforeAll(async () => {
  pypi = createServer((req, res) => {
    if (req.url === '/pypi/frob-widgets/json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ info: { summary: 'Frobnicates widgets' } }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => pypi.listen(0, '127.0.0.1', resolve));
  pypiUrl = `http://127.0.0.1:${(pypi.address() as AddressInfo).port}/pypi`;
});
afterAll(async () => {
  await new Promise((resolve) => pypi.close(resolve));
});

describe.each(BACKENDS)('on %s', (kind) => {
  let backend: TestBackend;
  let world: World;
  beforeAll(async () => {
    backend = await openBackend(kind);
  });
  afterAll(async () => {
    await backend.close();
  });
  beforeEach(async () => {
    world = await startWorld(backend);
    await world.seed({ abis: ['cp311'], versions: [['foo', '1.0']] });
    world.events.length = 0;
  });
  afterEach(async () => {
    await world.close();
  });

  const add = (...args: string[]) => runTool('piw-add', ['--import-queue', world.address, '--pypi-json', pypiUrl, ...args]);
  const packages = () =>
    backend.admin(async (sql) =>
      (await sql<{ row: string }[]>`
        SELECT p.package || ' skip=' || p.skip || ' desc=' || p.description || ' name=' || COALESCE(get_project_display_name(p.package), '') ||
          COALESCE(' | ' || v.version || ' skip=' || v.skip || ' yanked=' || v.yanked || ' released=' || to_char(v.released, 'YYYY-MM-DD HH24:MI:SS'), '') AS row
        FROM packages p LEFT JOIN versions v USING (package) ORDER BY 1`).map((r) => r.row),
    );

  test('a new package, its description from PyPI, an alias, the name as given displayed; then a version, yanked', async () => {
    const r = await add('-y', '-a', 'frob.widgets', 'Frob_Widgets');
    expect(r).toMatchObject({ code: 0, stdout: 'Added package: frob-widgets\n' });
    expect(await packages()).toContain('frob-widgets skip= desc=Frobnicates widgets name=Frob_Widgets');
    expect(await backend.db.getPackageAliases('frob-widgets')).toEqual(['Frob_Widgets', 'frob.widgets']);
    expect(world.events).toEqual(['web BOTH frob-widgets']);
    expect(await exists(join(world.output, 'simple', 'frob-widgets', 'index.html'))).toBe(true);
    expect(await exists(join(world.output, 'project', 'frob-widgets', 'index.html'))).toBe(true);

    const v = await add('-y', '-r', '2024-03-01 12:00:00', '--yank', 'frob-widgets', '1.0');
    expect(v).toMatchObject({ code: 0, stdout: 'Added version: frob-widgets 1.0\n' });
    expect(await packages()).toContain('frob-widgets skip= desc=Frobnicates widgets name=frob-widgets | 1.0 skip= yanked=true released=2024-03-01 12:00:00');
  });

  test('corrections: a description, --unskip, --unyank; a package unknown to PyPI gets none, said so', async () => {
    await backend.db.skipPackageVersion('foo', '1.0', 'broken');
    await backend.db.yankVersion('foo', '1.0');
    expect(await add('-y', '-d', 'Better words', 'foo')).toMatchObject({ code: 0, stdout: 'Updated package: foo\n' });
    expect(await add('-y', '--unskip', '--unyank', 'foo', '1.0')).toMatchObject({ code: 0, stdout: 'Updated version: foo 1.0\n' });
    expect(await packages()).toEqual(['foo skip= desc=Better words name=foo | 1.0 skip= yanked=false released=2024-01-01 00:00:00']);
    const unknown = await add('-y', 'not-on-pypi');
    expect(unknown.code).toBe(0);
    expect(unknown.stderr).toContain('no description for not-on-pypi');
  });

  test("the master's refusals exit 1 in words, with the database unchanged and no page rewritten", async () => {
    const before = await packages();
    const noPackage = await add('-y', 'bar', '1.0');
    expect(noPackage.code).toBe(1);
    expect(noPackage.stderr).toContain('the master refused the addition: the package does not exist; add it with piw-add first');
    const skipPackage = await add('-y', '-s', 'licence', 'foo');
    expect(skipPackage.code).toBe(1);
    expect(skipPackage.stderr).toContain('cannot skip a known package with piw-add; use piw-remove -s instead');
    const skipVersion = await add('-y', '-s', 'broken', '-a', 'FOO', 'foo', '1.0');
    expect(skipVersion.stderr).toContain('cannot skip a known version with piw-add; use piw-remove -s instead');
    expect(await packages()).toEqual(before);
    expect(await backend.db.getPackageAliases('foo')).toEqual([]);
    expect(world.events).toEqual([]);
  });

  test('a declined prompt exits 2 and adds nothing; bad options exit 2 before the master is asked', async () => {
    const declined = await runTool('piw-add', ['--import-queue', world.address, '-d', 'x', 'newpkg'], { input: 'n\n' });
    expect(declined.code).toBe(2);
    expect(declined.stdout).toContain('Preparing to add/update newpkg');
    expect(await backend.db.testPackage('newpkg')).toBe(false);
    for (const [args, words] of [
      [['-y', '-a', 'bar', 'foo'], 'alias bar does not match the package name foo'],
      [['-y', '--skip', 'x', '--unskip', 'foo'], 'cannot both skip and unskip'],
      [['-y', '--yank', 'foo'], 'are for a version'],
      [['-y', '-r', 'yesterday', 'foo', '2.0'], 'invalid value for option --released'],
      [['-y', 'foo bar'], 'invalid package name'],
    ] as const) {
      const r = await add(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(words);
    }
    expect(world.events).toEqual([]);
  });
});
