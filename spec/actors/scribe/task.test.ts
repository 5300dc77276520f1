/**
 * The Scribe task (behaviours 17, 138–156 through the task): the Scribe under the root supervisor, its
 * ScribeData a DbClient on the bus answered by Seraph and the Oracles over the test PostgreSQL, writing
 * real files; requests on the scribe queue answered DONE, failures logged and still answered, requests held
 * while the master sleeps.
 */
import { access, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scribeTask } from '../../../actors/scribe/task.js';
import { queues } from '../../../actors/runtime/queues.js';
import { build, hashOf, wheel } from '../../schema/builders.js';
import { databaseOnBus, eventually, quitAll, supervise, tempDir, type DatabaseOnBus } from '../master/support/world.js';

let world: DatabaseOnBus;
let out: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  world = await databaseOnBus('postgres');
});
afterAll(async () => {
  await world.close();
});
beforeEach(async () => {
  await world.backend.reset();
  out = await tempDir('piw-scribe-task-');
});
afterEach(async () => {
  await quitAll();
  await out.remove();
});

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

async function seed() {
  const { db, admin } = world.backend;
  await admin((sql) => sql`INSERT INTO build_abis (abi_tag) VALUES ('cp311')`);
  await db.addNewPackage('foo', '', 'Foo things');
  await db.addNewPackageVersion('foo', '1.0', new Date('2024-01-01T00:00:00Z'));
  await db.logBuild(build('foo', '1.0', 'cp311', [wheel('foo', '1.0')]));
  await db.addNewPackage('bar');
}

function startScribe() {
  const run = supervise([{ id: 'the_scribe', logic: scribeTask, input: { bus: world.bus, output: out.path } }]);
  return run;
}

describe('the Scribe task', () => {
  test('at start writes the static pages and a root index of every package from the database (behaviours 138, 139)', async () => {
    await seed();
    const run = startScribe();
    await run.running();
    const names = await readdir(out.path);
    expect(names).toEqual(expect.arrayContaining(['faq.html', 'packages.html', 'stats.html', '404.html', 'simple', 'project']));
    const root = await readFile(path.join(out.path, 'simple', 'index.html'), 'utf8');
    expect(root).toContain('<a href="bar/">bar</a>');
    expect(root).toContain('<a href="foo/">foo</a>');
    await expect(run.quit()).resolves.toMatchObject({ failed: false });
  });

  test('BOTH writes the package index with #sha256 links and the project page, then answers DONE (behaviours 143, 144)', async () => {
    await seed();
    const run = startScribe();
    await run.running();
    await expect(world.bus.request(queues.scribe, { verb: 'BOTH', data: 'foo' })).resolves.toEqual({ verb: 'DONE' });
    const file = wheel('foo', '1.0')[0];
    const index = await readFile(path.join(out.path, 'simple', 'foo', 'index.html'), 'utf8');
    expect(index).toContain(`<a href="${file}#sha256=${hashOf(file)}">${file}</a>`);
    const project = await readFile(path.join(out.path, 'project', 'foo', 'index.html'), 'utf8');
    expect(project).toContain('Foo things');
    expect(project).toContain(file);
    await run.quit();
  });

  test('DELPKG removes the package from the root index and deletes its pages (behaviour 153)', async () => {
    await seed();
    const run = startScribe();
    await run.running();
    await world.bus.request(queues.scribe, { verb: 'BOTH', data: 'foo' });
    expect(await exists(path.join(out.path, 'project', 'foo', 'index.html'))).toBe(true);
    await expect(world.bus.request(queues.scribe, { verb: 'DELPKG', data: 'foo' })).resolves.toEqual({ verb: 'DONE' });
    expect(await exists(path.join(out.path, 'project', 'foo'))).toBe(false);
    expect(await exists(path.join(out.path, 'simple', 'foo'))).toBe(false);
    expect(await readFile(path.join(out.path, 'simple', 'index.html'), 'utf8')).not.toContain('"foo"');
    await run.quit();
  });

  test('a request the Scribe cannot carry out is logged as an error and still answered DONE; the task keeps serving', async () => {
    await seed();
    const run = startScribe();
    await run.running();
    await expect(world.bus.request(queues.scribe, { verb: 'PROJECT', data: '../escape' })).resolves.toEqual({ verb: 'DONE' });
    expect(run.lines('master.the_scribe', 'error').join('\n')).toContain('unable to write the pages of PROJECT ../escape');
    expect(await exists(path.join(out.path, 'escape'))).toBe(false);
    await expect(world.bus.request(queues.scribe, { verb: 'PROJECT', data: 'foo' })).resolves.toEqual({ verb: 'DONE' });
    expect(await exists(path.join(out.path, 'project', 'foo', 'index.html'))).toBe(true);
    await run.quit();
  });

  test('behaviour 17: while paused a request waits; RESUME lets it through', async () => {
    await seed();
    const run = startScribe();
    await run.running();
    run.pause();
    await eventually(() => run.lines('master.the_scribe').includes('paused'));
    const answer = world.bus.request(queues.scribe, { verb: 'PROJECT', data: 'foo' });
    await eventually(() => run.lines('master.the_scribe', 'debug').includes('<< PROJECT foo'));
    expect(await exists(path.join(out.path, 'project', 'foo', 'index.html'))).toBe(false);
    run.resume();
    await expect(answer).resolves.toEqual({ verb: 'DONE' });
    expect(await exists(path.join(out.path, 'project', 'foo', 'index.html'))).toBe(true);
    await run.quit();
  });

  test('QUIT while paused still stops the task, and the waiting request fails instead of hanging (behaviour 17)', async () => {
    await seed();
    const run = startScribe();
    await run.running();
    run.pause();
    await eventually(() => run.lines('master.the_scribe').includes('paused'));
    const answer = world.bus.request(queues.scribe, { verb: 'PROJECT', data: 'foo' });
    await eventually(() => run.lines('master.the_scribe', 'debug').includes('<< PROJECT foo'));
    await expect(run.quit()).resolves.toMatchObject({ failed: false });
    await expect(answer).rejects.toMatchObject({ code: 'PIW_ERR_BUS_HANDLER' });
    expect(await exists(path.join(out.path, 'project', 'foo', 'index.html'))).toBe(false);
  });

  test('issue 11: temp files of pages left by a killed run are removed at start, anywhere in the tree; this run\'s own writes and other files are not', async () => {
    await seed();
    const dead = 4_000_000; // above any pid Linux hands out (pid_max is at most 2^22)
    const planted = [
      `.index.html.${dead}-1.tmp`,
      `simple/.index.html.${dead}-2.tmp`,
      `simple/foo/.index.html.${dead}-a.tmp`,
      `project/foo/.index.html.${dead}-b.tmp`,
      `.packages.json.${dead}-c.tmp`,
      // the index beyond 0.18: PEP 691 JSON, project JSON, PEP 658 metadata, build logs
      `simple/foo/.index.json.${dead}-d.tmp`,
      `project/foo/json/.index.json.${dead}-e.tmp`,
      `simple/foo/.foo-1.0-py3-none-any.whl.metadata.${dead}-f.tmp`,
      `logs/0000/0000/.0001.txt.gz.${dead}-g.tmp`,
    ];
    const kept = ['simple/foo/foo-1.0-py3-none-any.whl', 'simple/.piw-transfer-1-abc.tmp', 'project/foo/notes.tmp', 'simple/foo/.index.html.tmp'];
    for (const file of [...planted, ...kept]) {
      await mkdir(path.dirname(path.join(out.path, file)), { recursive: true });
      await writeFile(path.join(out.path, file), 'x');
    }
    const run = startScribe();
    await run.running();
    await eventually(() => run.lines('master.the_scribe').includes(`removed ${planted.length} temp files of pages left by an earlier run`));
    for (const file of planted) expect(await exists(path.join(out.path, file))).toBe(false);
    for (const file of kept) expect(await exists(path.join(out.path, file))).toBe(true);
  });
});

