/**
 * Issue 11, the 2 GiB boundary: piw-master's --max-file-size defaults to 2G = 2^31 bytes, and a wheel of
 * exactly that size must be transferred, verified, stored and recorded once (files.filesize is BIGINT); one
 * byte more is refused when the slave reports it (recorded as a failed build, never transferred, never
 * built again). The slave's wheels are sparse files, so only the transfer itself costs time.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { WireSlave } from '../../scripts/faults/wire-slave.js';
import { seedVersions } from './support/checks.js';
import { printReport, record } from './support/report.js';
import { faultWorld, type FaultWorld } from './support/world.js';

const GiB2 = 2 ** 31;

let world: FaultWorld | undefined;
let slaves: WireSlave[] = [];
afterEach(async () => {
  await Promise.all(slaves.map((s) => s.stop()));
  slaves = [];
  await world?.close();
  world = undefined;
});
afterAll(() => printReport('the 2 GiB boundary'));

async function until(what: string, condition: () => boolean, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('a wheel of exactly 2^31 bytes is stored and recorded once; one of 2^31 + 1 is refused as the slave reports it', async () => {
  world = await faultWorld('postgres');
  const { master } = world;
  await world.admin(async (sql) => {
    await seedVersions(sql, 1, 'fault-big');
    await seedVersions(sql, 1, 'fault-bigger');
  });
  await master.start();
  const a = master.addresses;
  const t0 = Date.now();
  const slave = new WireSlave({
    slaveQueue: a.slave,
    fileQueue: a.file,
    dir: path.join(world.dir, 'big'),
    bigFile: (pkg) => (pkg === 'fault-big-0' ? GiB2 : GiB2 + 1),
    replyTimeoutMs: 120_000,
  });
  slaves = [slave];
  await until('both builds to be done', () => slave.accepted.length === 2);
  const seconds = (Date.now() - t0) / 1000;
  // Nothing more to build: both versions are recorded, neither is queued again.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  expect(slave.builds).toBe(2);
  const [row] = await world.admin((sql) => sql`SELECT f.filename, f.filesize FROM files f JOIN builds b USING (build_id) WHERE b.package = 'fault-big-0' AND f.platform_tag = 'linux_armv7l'`);
  expect(row).toEqual({ filename: 'fault_big_0-1.0-cp311-cp311-linux_armv7l.whl', filesize: GiB2 });
  expect((await stat(path.join(master.output, 'simple', 'fault-big-0', row!.filename as string))).size).toBe(GiB2);
  const [refused] = await world.admin((sql) => sql`SELECT b.status, o.output FROM builds b JOIN output o USING (build_id) WHERE b.package = 'fault-bigger-0'`);
  expect(refused!.status).toBe(false);
  expect(refused!.output).toContain(`is ${GiB2 + 1} bytes, over the master's limit of ${GiB2} bytes`);
  expect(await stat(path.join(master.output, 'simple', 'fault-bigger-0')).catch(() => undefined)).toBeUndefined();
  record('2 GiB', { 'wheel bytes': GiB2, 'seconds for both builds': seconds, 'builds made': slave.builds, 'refused at 2^31 + 1': 1 });
}, 400_000);
