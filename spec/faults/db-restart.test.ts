/**
 * Issue 11, a database restart under load: four fast slaves build through piw-master (a real process) on a
 * PostgreSQL cluster of this test's own, which is restarted twice (`pg_ctl restart -m fast`) while they
 * do. Every build a slave was told was done must be recorded, with its file on disk: the Oracles try each
 * request again until the server is back rather than give a reported build up.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WireSlave } from '../../scripts/faults/wire-slave.js';
import { consistency, lostBuilds, seedVersions } from './support/checks.js';
import { PrivateCluster } from './support/cluster.js';
import { printReport, record } from './support/report.js';
import { faultWorld, type FaultWorld } from './support/world.js';

const VERSIONS = 60;

let cluster: PrivateCluster | undefined;
let world: FaultWorld | undefined;
let slaves: WireSlave[] = [];
afterEach(async () => {
  await Promise.all(slaves.map((s) => s.stop()));
  slaves = [];
  await world?.close();
  cluster?.close();
  world = undefined;
  cluster = undefined;
});
afterAll(() => printReport('PostgreSQL restarts under slave load'));

async function until(what: string, condition: () => boolean, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('pg_ctl restart twice under the load of four slaves: no acknowledged build is lost', async () => {
  cluster = await PrivateCluster.create();
  world = await faultWorld('postgres', { server: cluster });
  const { master } = world;
  await world.admin((sql) => seedVersions(sql, VERSIONS));
  await master.start();
  const a = master.addresses;
  slaves = Array.from({ length: 4 }, (_, i) => new WireSlave({ slaveQueue: a.slave, fileQueue: a.file, dir: path.join(world!.dir, `slave-${i}`), label: `slave-${i}` }));
  const built = () => new Set(slaves.flatMap((s) => s.accepted.map((b) => `${b.package} ${b.version}`))).size;

  await until('a quarter of the builds', () => built() >= VERSIONS / 4);
  await cluster.restart();
  const afterFirst = built();
  await until('more builds after the restart', () => built() >= afterFirst + VERSIONS / 4);
  await cluster.restart();
  await until(`all ${VERSIONS} versions to be built`, () => built() === VERSIONS);
  await Promise.all(slaves.map((s) => s.stop()));
  expect(await master.stop()).toBe(0);

  const accepted = slaves.flatMap((s) => s.accepted);
  const { check, lost } = await world.admin(async (sql) => ({ check: await consistency(sql, master.output), lost: await lostBuilds(sql, accepted) }));
  const log = await readFile(master.logFile, 'utf8');
  record('after two restarts of PostgreSQL', {
    'builds acknowledged': accepted.length,
    'builds lost': lost.length,
    'requests retried': (log.match(/the database is unreachable/g) ?? []).length,
    'answered after retries': (log.match(/the database answered \S+ after/g) ?? []).length,
    'builds given up': (log.match(/failed to log the build/g) ?? []).length,
    'missing files': check.missingFiles.length,
    'slave restarts': slaves.reduce((n, s) => n + s.restarts, 0),
  });
  expect(lost).toEqual([]);
  expect(check.missingFiles).toEqual([]);
  expect(check.brokenLinks).toEqual([]);
}, 300_000);
