/**
 * The fault soak (issue 11): the fault suite's attacks at a size CI has no time for, with the figures for a
 * closing note. For each back end (PostgreSQL on a cluster of its own, PGlite):
 *
 *   flood    an honest 0.18 slave is timed for a while (baseline), then while every socket of the master
 *            takes `--frames` malformed messages of each of ten kinds over `--connections` peers per socket
 *            (about 60 × frames in all), and until it has caught up; the master's RSS before, at its peak,
 *            10 s and 60 s after; its log's size and longest line
 *   builds   four fast slaves (one with 64 MiB wheels) build `--builds` versions while the master is killed
 *            with -9 `--kills` times (the first in the middle of a transfer, the others at random moments)
 *            and, on PostgreSQL, the server is restarted `--restarts` times; then the builds acknowledged and
 *            lost, and whether the output tree and the database agree (files, index links, temp files)
 *
 * Run as root (the PostgreSQL cluster runs as `postgres`), on a quiet machine:
 *
 *   npx tsx scripts/faults/soak.ts [--frames 1500] [--connections 8] [--builds 300] [--kills 3] [--restarts 2] [--backends postgres,pglite]
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { consistency, lostBuilds, seedVersions } from '../../spec/faults/support/checks.js';
import { PrivateCluster } from '../../spec/faults/support/cluster.js';
import { everySocket, runFlood } from '../../spec/faults/support/flood.js';
import { mib, printReport, record } from '../../spec/faults/support/report.js';
import { faultWorld, type FaultWorld } from '../../spec/faults/support/world.js';
import type { Backend } from '../../spec/support/postgres.js';
import { FAULT_KINDS, prng } from './frames.js';
import { HonestSlave } from './honest-slave.js';
import { WireSlave } from './wire-slave.js';

const { values: args } = parseArgs({
  options: {
    frames: { type: 'string', default: '1500' },
    connections: { type: 'string', default: '8' },
    builds: { type: 'string', default: '300' },
    kills: { type: 'string', default: '3' },
    restarts: { type: 'string', default: '2' },
    backends: { type: 'string', default: 'postgres,pglite' },
  },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 900_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the soak gave up waiting');
    await sleep(50);
  }
}

async function flood(backend: Backend, world: FaultWorld): Promise<void> {
  const { master } = world;
  await master.start();
  const a = master.addresses;
  const honest = new HonestSlave(a.slave, { thinkMs: 10, giveUpMs: 30_000 });
  await sleep(10_000);
  const baseline = honest.figures();
  const mark = honest.latencies.length;
  const rssBefore = await master.rss();
  const logBefore = (await stat(master.logFile)).size;
  let peak = rssBefore;
  const sampler = setInterval(() => void master.rss().then((rss) => (peak = Math.max(peak, rss)), () => undefined), 100);
  const { sent, ms } = await runFlood({
    targets: everySocket(a),
    count: Number(args.frames),
    perKind: { huge: 2, bignum: 20 },
    connections: Number(args.connections),
    seed: 2026,
  });
  const sentAt = Date.now();
  const caughtUp = honest.latencies.length + 50;
  await until(() => honest.latencies.length >= caughtUp || honest.lost > 0);
  const catchUp = Date.now() - sentAt;
  const during = honest.figures(mark);
  await sleep(10_000);
  const rss10 = await master.rss();
  await sleep(50_000);
  clearInterval(sampler);
  const rss60 = await master.rss();
  await honest.stop();
  const log = (await readFile(master.logFile, 'utf8')).slice(logBefore);
  let total = 0;
  for (const [target, kinds] of Object.entries(sent)) {
    const n = Object.values(kinds).reduce((x, y) => x + (y ?? 0), 0);
    total += n;
    record(`frames sent (${backend}, ${(ms / 1000).toFixed(1)} s)`, { socket: target, total: n, ...Object.fromEntries(FAULT_KINDS.map((k) => [k, kinds[k] ?? 0])) });
  }
  record('honest slave', { backend, when: 'before the flood', replies: baseline.replies, lost: baseline.lost, 'p50 ms': baseline.p50, 'p99 ms': baseline.p99, 'max ms': baseline.max });
  record('honest slave', { backend, when: `during the flood and ${(catchUp / 1000).toFixed(1)} s after`, replies: during.replies, lost: during.lost, 'p50 ms': during.p50, 'p99 ms': during.p99, 'max ms': during.max });
  record('master under the flood', {
    backend, 'frames sent': total, 'RSS before MiB': mib(rssBefore), 'peak MiB': mib(peak), '10 s after MiB': mib(rss10), '60 s after MiB': mib(rss60),
    'log bytes': log.length, 'longest line': Math.max(...log.split('\n').map((l) => l.length)),
  });
  await master.stop();
}

async function builds(backend: Backend, world: FaultWorld, cluster: PrivateCluster | undefined): Promise<void> {
  const { master } = world;
  const count = Number(args.builds);
  await world.admin((sql) => seedVersions(sql, count, 'soak'));
  await master.start();
  const a = master.addresses;
  const made = (label: string, bigFile?: number) =>
    new WireSlave({ slaveQueue: a.slave, fileQueue: a.file, dir: path.join(world.dir, label), label, replyTimeoutMs: 5000, ...(bigFile ? { bigFile } : {}) });
  const big = made('big', 64 << 20);
  const slaves = [made('small-1'), made('small-2'), made('small-3'), big];
  const random = prng(1111);
  const kills = Number(args.kills);
  const restarts = backend === 'postgres' ? Number(args.restarts) : 0;
  const accepted = () => slaves.reduce((n, s) => n + s.accepted.length, 0);
  // Faults spread over the run: one every count / (faults + 1) acknowledged builds.
  const faults = [...Array.from({ length: kills }, (_, i) => (i === 0 ? 'kill mid-transfer' : 'kill')), ...Array.from({ length: restarts }, () => 'restart')];
  for (const [i, fault] of faults.entries()) {
    await until(() => accepted() >= ((i + 1) * count) / (faults.length + 1));
    if (fault === 'kill mid-transfer') {
      await new Promise<void>((resolve) => (big.onSend = () => resolve()));
      big.onSend = undefined;
      await sleep(50);
    } else {
      await sleep(random() * 2000);
    }
    if (fault === 'restart') await cluster!.restart();
    else {
      await master.kill();
      await master.start();
    }
  }
  await until(() => slaves.every((s) => s.idleFor(5000)));
  await Promise.all(slaves.map((s) => s.stop()));
  await sleep(2000);
  await master.stop();
  const all = slaves.flatMap((s) => s.accepted);
  const { check, lost } = await world.admin(async (sql) => ({ check: await consistency(sql, master.output), lost: await lostBuilds(sql, all) }));
  const log = await readFile(master.logFile, 'utf8');
  record('builds through kills and restarts', {
    backend, versions: count, 'kill -9': kills, 'PostgreSQL restarts': restarts, 'builds acknowledged': all.length, 'builds lost': lost.length,
    'requests retried': (log.match(/the database is unreachable/g) ?? []).length, 'file rows': check.rows, 'missing files': check.missingFiles.length,
    'broken links': check.brokenLinks.length, 'temp files': check.tempFiles.length,
  });
}

for (const backend of args.backends.split(',') as Backend[]) {
  const cluster = backend === 'postgres' ? await PrivateCluster.create() : undefined;
  try {
    for (const phase of [flood, builds]) {
      const world = await faultWorld(backend, cluster === undefined ? {} : { server: cluster });
      try {
        await phase(backend, world, cluster);
      } finally {
        await world.close();
      }
    }
  } finally {
    cluster?.close();
  }
}
printReport(`soak: ${args.frames} frames of each kind per socket, ${args.builds} builds, ${args.kills} kills, ${args.restarts} restarts`);
process.exit(0);
