/**
 * Issue 11, a database restart under load: four fast slaves build through piw-master (a real process) on a
 * PostgreSQL cluster of this test's own, which is restarted twice (`pg_ctl restart -m fast`) while they
 * do. Every build a slave was told was done must be recorded, with its file on disk: the Oracles try each
 * request again until the server is back rather than give a reported build up. The slaves wait out the
 * master as long as the busy timeout they announce (a 0.18 slave's own rule): one that gave up after 10 s
 * while its build was being logged through the outage (slow to come back on a loaded machine) never heard
 * the DONE of a build the master had recorded, and the farm looked stalled.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WireSlave } from '../../scripts/faults/wire-slave.js';
import { consistency, lostBuilds, recordedFiles, seedVersions } from './support/checks.js';
import { PrivateCluster } from './support/cluster.js';
import { record } from './support/report.js';
import { faultScene, until } from './support/scene.js';
import { faultWorld } from './support/world.js';

const VERSIONS = 60;

const scene = faultScene('PostgreSQL restarts under slave load');


test('pg_ctl restart twice under the load of four slaves: no acknowledged build is lost', async () => {
  const cluster = await PrivateCluster.create();
  scene.cleanups.push(() => cluster.close());
  const world = (scene.world = await faultWorld('postgres', { server: cluster }));
  const { master } = world;
  const versions = (await world.admin((sql) => seedVersions(sql, VERSIONS))).map(([pkg, version]) => `${pkg} ${version}`);
  await master.start();
  const a = master.addresses;
  const slaves = (scene.slaves = Array.from({ length: 4 }, (_, i) => new WireSlave({ slaveQueue: a.slave, fileQueue: a.file, dir: path.join(world.dir, `slave-${i}`), label: `slave-${i}` })));
  const acknowledged = () => new Set(slaves.flatMap((s) => s.accepted.map((b) => `${b.package} ${b.version}`)));
  const built = () => acknowledged().size;
  /** What a stall looks like: the versions no slave heard DONE for (are they recorded?), and the master. */
  const stalled = async (error: unknown) => {
    const recorded = new Set((await world.admin(recordedFiles)).map((r) => `${r.package} ${r.version}`));
    const missing = versions.filter((v) => !acknowledged().has(v));
    const restarts = slaves.map((s) => s.restarts).join(', ');
    const ended = master.service.running ? 'is running' : `has exited; its last lines:\n${(await readFile(master.logFile, 'utf8')).split('\n').slice(-15).join('\n')}`;
    throw new Error(`${(error as Error).message}: not acknowledged ${missing.map((v) => `${v} (${recorded.has(v) ? 'recorded' : 'not recorded'})`).join(', ')}; slave restarts ${restarts}; the master ${ended}`);
  };

  await until('a quarter of the builds', () => built() >= VERSIONS / 4, 180_000, 20).catch(stalled);
  await cluster.restart();
  const afterFirst = built();
  await until('more builds after the restart', () => built() >= afterFirst + VERSIONS / 4, 180_000, 20).catch(stalled);
  await cluster.restart();
  await until(`all ${VERSIONS} versions to be built`, () => built() === VERSIONS, 180_000, 20).catch(stalled);
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
