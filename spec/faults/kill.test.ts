/**
 * Issue 11, kill -9: piw-master (a real process, on PostgreSQL and on PGlite) is killed outright while
 * three fast slaves build — once in the middle of a file transfer, once at a random moment — and started
 * again each time. When every version is built: each file row's file is on disk, each index link resolves,
 * no temp file is left anywhere in the output, and every build a slave was told was done is recorded.
 */
import path from 'node:path';
import { prng } from '../../scripts/faults/frames.js';
import { WireSlave } from '../../scripts/faults/wire-slave.js';
import { BACKENDS } from '../support/postgres.js';
import { consistency, lostBuilds, seedVersions } from './support/checks.js';
import { printReport, record } from './support/report.js';
import { faultWorld, type FaultWorld } from './support/world.js';

const VERSIONS = 16;

let world: FaultWorld | undefined;
let slaves: WireSlave[] = [];
afterEach(async () => {
  await Promise.all(slaves.map((s) => s.stop()));
  slaves = [];
  await world?.close();
  world = undefined;
});
afterAll(() => printReport('kill -9'));

async function until(what: string, condition: () => boolean, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(BACKENDS)('the master on %s', (backend) => {
  test('kill -9 mid-transfer and at a random moment: the tree and the database agree, no temp file stays, no acknowledged build is lost', async () => {
    world = await faultWorld(backend);
    const { master } = world;
    await world.admin((sql) => seedVersions(sql, VERSIONS));
    await master.start();
    const a = master.addresses;
    const made = (label: string, bigFile?: number) =>
      new WireSlave({ slaveQueue: a.slave, fileQueue: a.file, dir: path.join(world!.dir, label), label, replyTimeoutMs: 3000, ...(bigFile ? { bigFile } : {}) });
    // The big slave's wheels take long enough to send that a kill can land in the middle of one.
    const big = made('big', 96 << 20);
    slaves = [made('small-1'), made('small-2'), big];
    const random = prng(911);

    // 1: in the middle of a transfer.
    await new Promise<void>((resolve) => (big.onSend = () => resolve()));
    big.onSend = undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await master.kill();
    await master.start();
    // 2: at a random moment.
    await new Promise((resolve) => setTimeout(resolve, 500 + random() * 3000));
    await master.kill();
    await master.start();

    // Done when nothing is left to build: a build recorded just before a kill was never acknowledged, and
    // one cut off is queued again at the restart.
    await until('every version to be built', () => slaves.every((s) => s.idleFor(3000)));
    await Promise.all(slaves.map((s) => s.stop()));
    // Pages are written a second after a build (--rewrite-delay 1); SIGTERM saves any still pending.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await master.stop()).toBe(0);

    const accepted = slaves.flatMap((s) => s.accepted);
    const { check, lost } = await world.admin(async (sql) => ({ check: await consistency(sql, master.output), lost: await lostBuilds(sql, accepted) }));
    record('after two kills and restarts', {
      backend,
      'builds acknowledged': accepted.length,
      'builds lost': lost.length,
      'file rows': check.rows,
      'missing files': check.missingFiles.length,
      'index links': check.links,
      'broken links': check.brokenLinks.length,
      'temp files': check.tempFiles.length,
      'slave restarts': slaves.reduce((n, s) => n + s.restarts, 0),
    });
    expect(lost).toEqual([]);
    expect(check.missingFiles).toEqual([]);
    expect(check.brokenLinks).toEqual([]);
    expect(check.tempFiles).toEqual([]);
    // Every version built, each with its wheel and that wheel's armv6l twin.
    expect(check.rows).toBe(2 * VERSIONS);
  }, 300_000);
});
