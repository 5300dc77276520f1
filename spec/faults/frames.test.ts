/**
 * Issue 11, the flood: piw-master (a real process, on PostgreSQL and on PGlite) takes malformed messages
 * of every kind on every socket it binds — random bytes, truncated CBOR, wrong shapes, unknown and
 * out-of-order verbs, frames over the size limits, deep nesting, bignums, bad UTF-8, extra frames, huge
 * and many subscriptions on the status PUB — from several peers at once, while an honest 0.18 slave asks
 * it for work every 10 ms. The honest slave must get every reply (a request unanswered for 30 s is a
 * frozen master), the master must still run, its memory must come back near where it was, and its log
 * must stay small: counts, never whole frames.
 *
 * The figures (frames sent, honest replies with p99 and worst latency, RSS before / peak / after, log
 * size) are printed, not asserted: tests never assert on time.
 */
import { readFile, stat } from 'node:fs/promises';
import { FAULT_KINDS } from '../../scripts/faults/frames.js';
import { HonestSlave } from '../../scripts/faults/honest-slave.js';
import { BACKENDS } from '../support/postgres.js';
import { everySocket, runFlood, totals } from './support/flood.js';
import { mib, record } from './support/report.js';
import { faultScene, until } from './support/scene.js';
import { faultWorld } from './support/world.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


const scene = faultScene('malformed messages on every socket');

describe.each(BACKENDS)('the master on %s', (backend) => {
  test('a flood of malformed messages on every socket: the honest slave is answered throughout, memory comes back, the log keeps counts', async () => {
    const world = (scene.world = await faultWorld(backend));
    const { master } = world;
    await master.start();
    const a = master.addresses;
    const honest = new HonestSlave(a.slave, { thinkMs: 10, giveUpMs: 30_000 });
    try {
      await until('the honest slave to settle in', () => honest.latencies.length >= 50, 120_000, 20);
      const rssBefore = await master.rss();
      const logBefore = (await stat(master.logFile)).size;
      let peak = rssBefore;
      const sampler = setInterval(() => void master.rss().then((rss) => (peak = Math.max(peak, rss)), () => undefined), 100);
      const mark = honest.latencies.length;
      const { sent, ms } = await runFlood({
        targets: everySocket(a),
        count: 120,
        perKind: { huge: 1, bignum: 6 },
        connections: 4,
        seed: 11,
      });
      // The master works through what is queued; 50 more honest replies say it has caught up.
      const caughtUp = honest.latencies.length + 50;
      await until('the honest slave to be answered after the flood', () => honest.latencies.length >= caughtUp || honest.lost > 0, 120_000, 20);
      const during = honest.figures(mark);
      // Memory given back: what the master holds a few seconds later.
      await sleep(5000);
      clearInterval(sampler);
      const rssAfter = await master.rss();
      const log = (await readFile(master.logFile, 'utf8')).slice(logBefore);
      const longest = Math.max(...log.split('\n').map((line) => line.length));

      for (const [target, count] of Object.entries(totals(sent))) {
        record(`frames sent (${backend}, ${ms} ms)`, { socket: target, total: count, ...Object.fromEntries(FAULT_KINDS.map((k) => [k, sent[target]![k] ?? 0])) });
      }
      record('honest slave during the flood', {
        backend, replies: during.replies, lost: during.lost, 'p50 ms': during.p50, 'p99 ms': during.p99, 'max ms': during.max,
      });
      record('master', {
        backend, 'RSS before MiB': mib(rssBefore), 'peak MiB': mib(peak), 'after MiB': mib(rssAfter),
        'log bytes': log.length, 'log lines': log.split('\n').length - 1, 'longest line': longest,
      });

      expect(honest.lost).toBe(0);
      expect(master.service.running).toBe(true);
      expect(mib(rssAfter - rssBefore)).toBeLessThan(100);
      expect(longest).toBeLessThan(1000);
      expect(log.length).toBeLessThan(1 << 20);
    } finally {
      await honest.stop();
    }
  }, 300_000);
});
