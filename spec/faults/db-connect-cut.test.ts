/**
 * A connection cut while the database client is starting it: postgres.js's own first query on a new
 * connection (the array types) then fails where nobody holds its promise (porsager/postgres#1192), an
 * unhandled rejection that used to end piw-master, and with it every build in progress (seen once in
 * about twenty runs of db-restart.test.ts under CPU load, when the second restart fell on a connection
 * opened after the first). A proxy in front of the test's own cluster cuts the second new connection at
 * that moment; the master must log it, carry on, and finish every build with nothing lost.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WireSlave } from '../../scripts/faults/wire-slave.js';
import { MASTER_PASSWORD, MASTER_USER } from '../support/postgres.js';
import { consistency, lostBuilds, seedVersions } from './support/checks.js';
import { PrivateCluster } from './support/cluster.js';
import { StartupCutProxy } from './support/pg-startup-cut.js';
import { record } from './support/report.js';
import { faultScene, until } from './support/scene.js';
import { faultWorld } from './support/world.js';

const VERSIONS = 40;

const scene = faultScene('a database connection cut while it is being opened');

test('a connection cut during the client\'s start-up query: the master carries on and every build is recorded', async () => {
  const cluster = await PrivateCluster.create();
  scene.cleanups.push(() => cluster.close());
  const proxy = await StartupCutProxy.start(cluster.dir, 2);
  scene.cleanups.push(() => proxy.close());
  const world = (scene.world = await faultWorld('postgres', { server: { masterDsn: proxy.dsn(MASTER_USER, MASTER_PASSWORD), superDsn: cluster.superDsn } }));
  const { master } = world;
  await world.admin((sql) => seedVersions(sql, VERSIONS));
  await master.start();
  const a = master.addresses;
  const slaves = (scene.slaves = Array.from({ length: 4 }, (_, i) => new WireSlave({ slaveQueue: a.slave, fileQueue: a.file, dir: path.join(world.dir, `slave-${i}`), label: `slave-${i}` })));
  const built = () => new Set(slaves.flatMap((s) => s.accepted.map((b) => `${b.package} ${b.version}`))).size;

  await until('a connection to be cut as it opens', () => proxy.cut === 1, 120_000, 20);
  await until(`all ${VERSIONS} versions to be built`, () => built() === VERSIONS, 180_000, 20);
  await Promise.all(slaves.map((s) => s.stop()));
  expect(await master.stop()).toBe(0);

  const accepted = slaves.flatMap((s) => s.accepted);
  const { check, lost } = await world.admin(async (sql) => ({ check: await consistency(sql, master.output), lost: await lostBuilds(sql, accepted) }));
  const log = await readFile(master.logFile, 'utf8');
  record('one connection cut as it opened', {
    'connections opened': proxy.seen,
    'builds acknowledged': accepted.length,
    'builds lost': lost.length,
    'slave restarts': slaves.reduce((n, s) => n + s.restarts, 0),
  });
  expect(log).toMatch(/WARNING master: the database client lost a connection it was opening \(.+\); carrying on/);
  expect(lost).toEqual([]);
  expect(check.missingFiles).toEqual([]);
}, 300_000);
