/**
 * The build farm end to end (issue 4, item 10): real `piw-master` on the test PostgreSQL server with its
 * production settings (the 5-minute PyPI hold, the one-minute build-queue refresh) but for page rewrites
 * held 30 s rather than 60 (--rewrite-delay: still far longer than the restart below takes, so rewrites
 * are pending across it), real `piw-slave`s building with real pip from the PyPI stand-in, the output
 * served by the static server and installed with pip into a fresh venv.
 *
 * One farm runs through the whole file, and its story is told in order:
 *   start   the build ABIs of python3 (cp311) and pypy3 (pypy39_pp73) registered; on the stand-in a gated
 *           package (its build waits for the test), the pure, C-extension and broken fixtures, a big
 *           package, and a binary-only version; the master; a slave `doomed` (cp311) and a slave `pypy`;
 *           the binary-only wheel imported with piw-import as soon as the master knows its version.
 *   kill    `doomed` is the only cp311 slave at the first queue refresh and gets the gated build; it is
 *           SIGKILLed mid-build; once the master has dropped it, slave `builder` (cp311) starts and builds
 *           that job, then the rest of the cp311 queue. Its wheels travel through a proxy throttled to
 *           1 MiB/s.
 *   restart while the big wheel is on its way (1 MiB through the proxy, which then holds the rest back)
 *           the master is stopped (SIGTERM) and started again. `builder` runs on the production master
 *           timeout (5 minutes) and recovers without waiting for it: its transfer hears nothing from the
 *           new master, which never expected it, so it gives the master up after its transfer timeout
 *           (60 s at most), reconnects at once as a new slave and builds the package again.
 *   pypy    the versions whose cp311 build gave an ABI-specific wheel or failed are queued for
 *           pypy39_pp73 and built by slave `pypy`, and only those.
 * The tests then check each outcome; each waits (polling, generously) for what it needs.
 *
 * The second ABI is a real one: Debian's PyPy (`pypy3`, with `pypy3-dev` for C extensions; .ci/run
 * installs both), whose pip is Debian's python3-pip and builds offline from the stand-in like CPython.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PythonTags } from '../../actors/slave/machine-facts.js';
import { BROKEN, CEXT, PURE } from '../../scripts/pypi-standin/index.js';
import type { Service } from '../../scripts/start/processes.js';
import { Farm, pythonTags, runToEnd, sha256, Venv, waitUntil, writeSdist, type Slave } from './support/farm.js';
import { bigProject, gatedProject, importedProject } from './support/projects.js';
import { startThrottleProxy, type ThrottleProxy } from './support/throttle-proxy.js';

const MiB = 1024 * 1024;
const BIG_SIZE = 8 * MiB;
const THROTTLE = 1 * MiB;
/** Inside the big wheel's transfer: the wheels before it are a few KiB. */
const RESTART_AT = 1 * MiB;
/** Long enough for a loaded 2-core machine, whose builds and pages take many times what they take here. */
const LONG = 480_000;

const GATED_NAME = 'piw-e2e-gated';
const BIG = bigProject('piw-e2e-big', '1.0', BIG_SIZE);
const IMPORTED = importedProject('piw-e2e-imported', '1.0');

let farm: Farm;
let venv: Venv;
let cp: PythonTags;
let pp: PythonTags;
let proxy: ThrottleProxy;
let doomed: Slave;
let pypy: Slave;
let builder: Slave | undefined;
let marker: string;
let gate: string;
let importedWheel: { path: string; filename: string; sha256: string };
let imported: { code: number | null; output: string };
let closing = false;

interface Restart {
  exitCode: number | null;
  /** Builds of the big package in the database once the first master had stopped. */
  bigBuildsAtStop: number;
  bigWheelAtStop: boolean;
  /** The Secretary's rewrites saved at the stop. */
  pendingAtStop: string[];
  /** builder's line count when the master was stopped. */
  builderMark: number;
  second: Service;
}
let restart: Promise<Restart>;

/** Stops the master while the big wheel is on its way to it, and starts it again. */
async function restartMidTransfer(): Promise<Restart> {
  await waitUntil(
    'the big wheel on its way to the master',
    () => {
      if (closing) throw new Error('the farm is closing');
      return proxy.upstreamBytes >= RESTART_AT;
    },
    LONG,
  );
  // Not one byte more until the master has gone: the transfer cannot finish while it stops.
  proxy.hold();
  const builderMark = builder!.service.lineCount;
  const exitCode = await farm.stopMaster();
  const bigBuildsAtStop = (await farm.builds(BIG.name)).length;
  const bigWheelAtStop = existsSync(path.join(farm.output, 'simple', BIG.name)) && (await readdir(path.join(farm.output, 'simple', BIG.name))).some((f) => f.endsWith('.whl'));
  const pendingAtStop = (await farm.admin<{ package: string }[]>`SELECT package FROM rewrites_pending`).map((r) => r.package);
  proxy.release();
  const second = await farm.startMaster();
  return { exitCode, bigBuildsAtStop, bigWheelAtStop, pendingAtStop, builderMark, second };
}

/** This process's group (field 5 of /proc/self/stat, after the parenthesised command name). */
const ownProcessGroup = () => Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[2]);

/**
 * The successful and failed ABIs the project page shows for `version` (as text), and the build logs they
 * link to; undefined until it shows the version.
 */
async function versionRow(pkg: string, version: string): Promise<{ ok: string; failed: string; logs: string[] } | undefined> {
  const page = await farm.projectPage(pkg);
  const escaped = version.replace(/\./g, '\\.');
  const m = page?.match(new RegExp(`<td>${escaped}(?: <span[^>]*>[^<]*</span>)*</td>\\s*<td>[^<]*</td>\\s*<td class="abis ok">(.*?)</td>\\s*<td class="abis failed">(.*?)</td>`));
  if (!m) return undefined;
  const text = (cell: string) => cell.replace(/<[^>]*>/g, '');
  return { ok: text(m[1]!), failed: text(m[2]!), logs: [...`${m[1]}${m[2]}`.matchAll(/href="([^"]*)"/g)].map((l) => l[1]!) };
}

/** The wheels the simple index lists for `pkg`, once it lists every one of `filenames`. */
async function listed(pkg: string, filenames: string[]): Promise<Map<string, string>> {
  return waitUntil(`${filenames.join(', ')} in the simple index of ${pkg}`, async () => {
    const links = await farm.indexLinks(pkg);
    return links && filenames.every((f) => links.has(f)) ? links : undefined;
  }, LONG);
}

/** The file on disk matches the database's size and hash and the index link's hash. */
async function expectVerified(pkg: string, filename: string, links: Map<string, string>): Promise<Buffer> {
  const content = await readFile(path.join(farm.output, 'simple', pkg, filename));
  const row = (await farm.files(pkg)).find((f) => f.filename === filename);
  expect(row).toMatchObject({ filesize: content.length, filehash: sha256(content) });
  expect(links.get(filename)).toBe(sha256(content));
  return content;
}

beforeAll(async () => {
  cp = await pythonTags('python3', 'python3');
  pp = await pythonTags('pypy3', 'pypy3 pypy3-dev');
  farm = await Farm.create([cp.abiTag, pp.abiTag], 30);
  marker = path.join(farm.dir, 'gated.pgid');
  gate = path.join(farm.dir, 'gated.open');
  const making = Venv.create(path.join(farm.dir, 'venv'));

  // The binary-only version's wheel, built by pip as an operator would build one to import.
  const wheels = path.join(farm.dir, 'wheels');
  await mkdir(wheels);
  const sdist = await writeSdist(farm.dir, IMPORTED);
  const built = await runToEnd(
    'pip wheel',
    'python3',
    ['-m', 'pip', 'wheel', '--no-deps', '--no-cache-dir', '--disable-pip-version-check', '--index-url', farm.standin.simpleUrl, '--wheel-dir', wheels, sdist],
    { ...process.env, PIP_CONFIG_FILE: os.devNull },
  );
  if (built.code !== 0) throw new Error(`pip wheel of ${IMPORTED.name} failed:\n${built.output}`);
  const [filename] = await readdir(wheels);
  const content = await readFile(path.join(wheels, filename!));
  importedWheel = { path: path.join(wheels, filename!), filename: filename!, sha256: sha256(content) };

  // Oldest first: the order of the build queue.
  await farm.publish([
    gatedProject(GATED_NAME, '1.0', marker, gate),
    PURE,
    CEXT,
    BROKEN,
    BIG,
    { name: IMPORTED.name, version: IMPORTED.version, file: { filename: filename!, content } },
  ]);
  await farm.startMaster();
  proxy = await startThrottleProxy({ host: '127.0.0.1', port: farm.ports.file }, THROTTLE);
  doomed = await farm.startSlave({ label: 'doomed' });
  pypy = await farm.startSlave({ label: 'pypy', python: 'pypy3' });
  venv = await making;

  await waitUntil('Cloud Gazer to record the binary-only version', async () =>
    (await farm.admin`SELECT 1 FROM versions WHERE package = ${IMPORTED.name} AND version = ${IMPORTED.version}`).length > 0,
  );
  // A pure wheel names no ABI: the importer says which build ABI it stands for, as the operator would.
  imported = await farm.tool('piw-import', ['--yes', '--abi', cp.abiTag, '--import-queue', farm.ipc('import'), '--file-queue', farm.fileQueue, importedWheel.path]);
  restart = restartMidTransfer();
  restart.catch(() => {}); // awaited by its test; a failure must not go unhandled before then
}, LONG);

afterAll(async () => {
  closing = true;
  if (gate !== undefined) await writeFile(gate, '').catch(() => {});
  await proxy?.close();
  await farm?.close();
}, 120_000);

test('a slave killed (SIGKILL) mid-build has its job built again by another slave', async () => {
  const doomedId = await doomed.slaveId();
  await doomed.service.waitFor(new RegExp(`Building package ${GATED_NAME} version 1\\.0`), { timeoutMs: LONG });
  // The build's own process group, as its setup.py wrote it (a group of its own: never ours, never 0).
  const pgid = await waitUntil('the gated build to start', async () => {
    const text = await readFile(marker, 'utf8').catch(() => '');
    return /^\d+$/.test(text) && Number(text) > 1 && Number(text) !== ownProcessGroup() ? Number(text) : undefined;
  });

  doomed.service.kill();
  await doomed.service.exited;
  // The machine is gone: its build with it.
  process.kill(-pgid, 'SIGKILL');
  await writeFile(gate, '');

  // The master drops the silent slave and puts the job back at the head of its ABI's queue.
  await farm.master.waitFor(new RegExp(`slave ${doomedId}: ${GATED_NAME} 1\\.0 is back in the ${cp.abiTag} queue`), { timeoutMs: LONG });
  // The production master timeout: the restart below must not wait for it (two of them, before).
  builder = await farm.startSlave({ label: 'builder', fileQueue: proxy.address, masterTimeout: '5m' });
  const builderId = await builder.slaveId();

  const [build, ...others] = await waitUntil('the gated package built', async () => {
    const builds = await farm.builds(GATED_NAME);
    return builds.some((b) => b.status) ? builds : undefined;
  }, LONG);
  expect(others).toEqual([]);
  expect(build).toMatchObject({ status: true, built_by: builderId, abi_tag: cp.abiTag });
  expect(builderId).not.toBe(doomedId);
  expect(builder.builds()[0]).toEqual([GATED_NAME, '1.0']);
  const [file] = await farm.files(GATED_NAME);
  expect(existsSync(path.join(farm.output, 'simple', GATED_NAME, file!.filename))).toBe(true);
}, LONG);

test('piw-import: an imported wheel is served and installs; piw-remove: its files and pages are gone', async () => {
  expect(imported.code).toBe(0);
  const links = await listed(IMPORTED.name, [importedWheel.filename]);
  expect(links.get(importedWheel.filename)).toBe(importedWheel.sha256);
  await expectVerified(IMPORTED.name, importedWheel.filename, links);
  const [build] = await farm.builds(IMPORTED.name);
  expect(build).toMatchObject({ status: true, built_by: 0 });

  const installed = await venv.install(farm.indexUrl, IMPORTED.name);
  expect(installed.code).toBe(0);
  expect((await venv.run('import piw_e2e_imported; print(piw_e2e_imported.hello())')).output).toContain('hello from piw-e2e-imported 1.0');

  const removed = await farm.tool('piw-remove', ['--yes', '--import-queue', farm.ipc('import'), IMPORTED.name]);
  expect(removed).toMatchObject({ code: 0 });
  expect(existsSync(path.join(farm.output, 'simple', IMPORTED.name))).toBe(false);
  expect(existsSync(path.join(farm.output, 'project', IMPORTED.name))).toBe(false);
  expect(await readFile(path.join(farm.output, 'simple', 'index.html'), 'utf8')).not.toContain(`"${IMPORTED.name}"`);
  expect(await farm.admin`SELECT 1 FROM packages WHERE package = ${IMPORTED.name}`).toHaveLength(0);
  const again = await runToEnd('pip', venv.python, ['-m', 'pip', 'download', '--no-deps', '--no-cache-dir', '--disable-pip-version-check', '--index-url', farm.indexUrl, '-d', path.join(farm.dir, 'gone'), IMPORTED.name], {
    ...process.env,
    PIP_CONFIG_FILE: os.devNull,
  });
  expect(again.code).not.toBe(0);
}, LONG);

test('a package new in the changelog is built by a slave, transferred, verified, indexed, and pip installs it', async () => {
  const pkg = PURE.name;
  const filename = 'piw_demo_pure-1.0-py3-none-any.whl';
  const links = await listed(pkg, [filename]);
  await expectVerified(pkg, filename, links);
  const builds = await farm.builds(pkg);
  expect(builds).toHaveLength(1);
  expect(builds[0]).toMatchObject({ status: true, abi_tag: cp.abiTag });
  expect(await readFile(path.join(farm.output, 'simple', 'index.html'), 'utf8')).toContain(`href="${pkg}/"`);
  await waitUntil('the project page of the pure package', async () => (await versionRow(pkg, '1.0'))?.ok === cp.abiTag, LONG);
  expect(await farm.projectPage(pkg)).toContain(`/simple/${pkg}/${filename}#sha256=${links.get(filename)}`);

  const installed = await venv.install(farm.indexUrl, pkg);
  expect(installed.code).toBe(0);
  expect(installed.output).toContain(`${farm.web.url}/simple/${pkg}/${filename}`);
  expect((await venv.run('import piw_demo_pure; print(piw_demo_pure.hello())')).output).toContain('hello from piw-demo-pure 1.0');
}, LONG);

test('a failing build is recorded with its full log and shown as failed on the project page', async () => {
  const pkg = BROKEN.name;
  const failed = await waitUntil('the failed cp311 build', async () => (await farm.builds(pkg)).find((b) => b.abi_tag === cp.abiTag), LONG);
  expect(failed.status).toBe(false);
  // The whole of pip's log: how it started, the compiler's error in the middle, how it ended.
  expect(failed.output).toMatch(/piw-demo-broken==1\.0/);
  expect(failed.output).toContain('broken on purpose: this build must fail');
  expect(failed.output).toMatch(/Failed to build piw-demo-broken|Failed building wheel for piw-demo-broken/);
  expect(await farm.files(pkg)).toEqual([]);
  const row = await waitUntil('the failed build on the project page', async () => {
    const r = await versionRow(pkg, '1.0');
    return r?.failed.includes(cp.abiTag) ? r : undefined;
  }, LONG);
  expect(row.ok).toBe('');
  // the failed build links to its log on the site, which holds pip's output
  expect(row.logs).toHaveLength(1);
  const log = await fetch(farm.web.url + row.logs[0]!);
  expect(log.status).toBe(200);
  expect(await log.text()).toContain('broken on purpose: this build must fail');
  expect(await farm.indexLinks(pkg).then((links) => links?.size ?? 0)).toBe(0);
}, LONG);

test('the master restarted mid-transfer loses nothing, and the slave carries on after reconnecting', async () => {
  const r = await restart;
  expect(r.exitCode).toBe(0);
  // The restart came mid-transfer: the wheel was neither recorded nor filed.
  expect(r.bigBuildsAtStop).toBe(0);
  expect(r.bigWheelAtStop).toBe(false);
  // Page rewrites were pending, and were saved for the next start.
  expect(r.pendingAtStop.length).toBeGreaterThan(0);

  const builderLines = () => builder!.service.linesSince(r.builderMark);
  const connected = (l: string) => /Connected to master as slave/.test(l);
  await waitUntil('builder to reconnect', () => builderLines().some(connected), LONG);
  const filename = 'piw_e2e_big-1.0-py3-none-any.whl';
  // It gave the silent transfer up and started over at once: no SENT to the new master, no master timeout.
  const lines = builderLines();
  const gaveUp = lines.findIndex((l) => l.includes(`Transfer of ${filename} failed:`) && l.endsWith('the master has gone, starting over'));
  expect(gaveUp).toBeGreaterThanOrEqual(0);
  expect(gaveUp).toBeLessThan(lines.findIndex(connected));
  expect(lines.some((l) => l.includes('Timed out waiting for master'))).toBe(false);
  const links = await listed(BIG.name, [filename]);
  const content = await expectVerified(BIG.name, filename, links);
  expect(content.length).toBeGreaterThan(BIG_SIZE);
  const builds = await farm.builds(BIG.name);
  expect(builds).toHaveLength(1);
  expect(builds[0]!.status).toBe(true);
  expect(builderLines().some((l) => l.includes(`Building package ${BIG.name} version 1.0`))).toBe(true);

  // Every rewrite saved at the stop was carried out by the second master.
  for (const pkg of r.pendingAtStop) {
    const files = await farm.files(pkg);
    if (files.length > 0) await listed(pkg, files.map((f) => f.filename));
    await waitUntil(`the project page of ${pkg}`, () => farm.projectPage(pkg), LONG);
  }
  expect(await farm.transferLeftovers()).toEqual([]);

  expect((await venv.install(farm.indexUrl, BIG.name)).code).toBe(0);
  const blob = await venv.run('import os, piw_e2e_big; print(os.path.getsize(piw_e2e_big.BLOB))');
  expect(blob.output.trim()).toBe(String(BIG_SIZE));
}, LONG);

test('two slaves of different ABIs each get only their own jobs', async () => {
  const cextPypy = `piw_demo_cext-1.0-pp39-${pp.abiTag}-${pp.platformTag}.whl`;
  const cextCp = `piw_demo_cext-1.0-${cp.abiTag}-${cp.abiTag}-${cp.platformTag}.whl`;
  const links = await listed(CEXT.name, [cextCp, cextPypy]);
  await expectVerified(CEXT.name, cextCp, links);
  await expectVerified(CEXT.name, cextPypy, links);
  const brokenOnPypy = await waitUntil('the failed pypy build of the broken package', async () => (await farm.builds(BROKEN.name)).find((b) => b.abi_tag === pp.abiTag), LONG);
  expect(brokenOnPypy.status).toBe(false);

  // The versions queued for pypy39_pp73 are those whose cp311 build was ABI-specific or failed, and the
  // pypy slave built those and nothing else; the cp311 slaves never built them a second time.
  const jobs = (slave: Slave) => slave.builds().map(([pkg, ver]) => `${pkg} ${ver}`);
  const pypyJobs = new Set(jobs(pypy));
  expect([...pypyJobs].sort()).toEqual([`${BROKEN.name} 1.0`, `${CEXT.name} 1.0`]);
  const cpJobs = [...jobs(doomed), ...jobs(builder!)];
  expect(cpJobs.filter((j) => j === `${CEXT.name} 1.0`)).toHaveLength(1);
  expect(cpJobs.filter((j) => j === `${BROKEN.name} 1.0`)).toHaveLength(1);
  for (const pkg of [CEXT.name, BROKEN.name]) {
    const abis = (await farm.builds(pkg)).map((b) => b.abi_tag).sort();
    expect(abis).toEqual([cp.abiTag, pp.abiTag].sort());
  }
  await waitUntil('both ABIs on the project page', async () => (await versionRow(CEXT.name, '1.0'))?.ok.includes(pp.abiTag), LONG);

  // The cp311 wheel is the one pip picks here, and its C code runs.
  expect((await venv.install(farm.indexUrl, CEXT.name)).code).toBe(0);
  expect((await venv.run('import piw_demo_cext; print(piw_demo_cext.add(2, 3))')).output.trim()).toBe('5');
}, LONG);
