/**
 * The slave stats log (machines/slave-session/stats-log.ts) at a farm's size: the live heap that 500
 * slaves' logs hold after 120, 199 and 250 IDLEs each (garbage collected before reading), and the CPU per
 * append, a fresh decoded-like sample included. `--root DIR` measures another checkout's log, for before
 * and after in one sitting. Prints figures; asserts nothing.
 *
 *   node --expose-gc --import tsx scripts/bench/stats-log.ts [--root DIR] [--slaves 500]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    root: { type: 'string', default: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..') },
    slaves: { type: 'string', default: '500' },
  },
});
const SLAVES = Number(args.slaves);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (see the header)');

type Log = { length: number };
const { appendStats, EMPTY_STATS_LOG, STATS_KEPT } = (await import(path.join(args.root, 'machines/slave-session/stats-log.ts'))) as {
  appendStats: (log: Log, sample: { at: Date; stats: unknown[] }, keep: number) => Log;
  EMPTY_STATS_LOG: Log;
  STATS_KEPT: number;
};
const { PreciseDate } = (await import(path.join(args.root, 'protocols/index.ts'))) as { PreciseDate: new (ms: number, extra: number) => Date };

/** Appends `idles` samples to each log, as the decoder and validator hand them over. */
function fill(logs: Log[], idles: number): void {
  for (let k = 0; k < idles; k++) {
    for (let i = 0; i < logs.length; i++) {
      const t = 1.7e12 + k * 1000;
      logs[i] = appendStats(logs[i]!, { at: new Date(t), stats: [new PreciseDate(t, 123), 32e9 + i, 2e10, 4e9, 3e9 + k, 1e8, 1e8, 0.5 + k / 100, 45.25] }, STATS_KEPT);
    }
  }
}

console.log(`stats log of ${args.root}, ${SLAVES} slaves, ${STATS_KEPT} samples replayed each`);
for (const idles of [120, 199, 250]) {
  gc();
  const base = process.memoryUsage().heapUsed;
  const logs = Array.from({ length: SLAVES }, () => EMPTY_STATS_LOG);
  fill(logs, idles);
  gc();
  const used = process.memoryUsage().heapUsed - base;
  const kept = logs.reduce((n, l) => n + l.length, 0);
  console.log(`  after ${idles} IDLEs each: ${(used / 2 ** 20).toFixed(1)} MiB live, ${kept / SLAVES} samples kept per slave, ${Math.round(used / kept)} B each`);
  logs.length = 0; // dropped before the next base reading
}
for (let round = 0; round < 3; round++) {
  const logs = Array.from({ length: SLAVES }, () => EMPTY_STATS_LOG);
  const start = process.cpuUsage();
  fill(logs, 400);
  const cpu = process.cpuUsage(start);
  console.log(`  append, round ${round + 1}: ${((cpu.user + cpu.system) / (400 * SLAVES)).toFixed(2)} µs CPU each (the sample made too)`);
}
