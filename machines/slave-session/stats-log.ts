/**
 * The last N stats samples of a slave, for monitor replay (behaviour 71). Appending happens on every
 * IDLE and BUSY, so it must be cheap and must not copy: an immutable list, newest first, trimmed back to N
 * only when it reaches N + N/4 (one O(N) rebuild per N/4 appends).
 *
 * 500 busy slaves keep 50,000-62,500 samples, so each is kept as one array of numbers (175 bytes with
 * its list node) rather than as decoded (a Date, a PreciseDate, seven heap numbers, the array and the
 * sample: 480 bytes). Decoded, they were 25-45 MB of old space at 500 slaves, and set the master's peak
 * RSS under load. Unpacked, a sample is what the slave sent: the same instants, microseconds and numbers,
 * so its replay is the same on the wire. A sample of another shape (a float still wrapped as Float64, as
 * an in-process sender may leave it) is kept as it came.
 */
import { PreciseDate } from '../../protocols/index.js';
import type { SlaveStatsWire, StatsSample } from './types.js';

/** Stats samples replayed per slave (behaviour 71). */
export const STATS_KEPT = 100;

/** [arrival ms, timestamp ms, timestamp's extra µs (-1: a plain Date), the 8 figures]. */
type PackedSample = readonly number[];

interface StatsNode {
  readonly sample: PackedSample | StatsSample;
  readonly next: StatsNode | null;
}

export interface StatsLog {
  readonly newest: StatsNode | null;
  readonly length: number;
}

export const EMPTY_STATS_LOG: StatsLog = { newest: null, length: 0 };

const FIGURES = 8;

function pack(sample: StatsSample): PackedSample | StatsSample {
  const { at } = sample;
  const stats = sample.stats as readonly unknown[];
  const timestamp = stats[0];
  const proto = timestamp instanceof Date ? Object.getPrototypeOf(timestamp) : null;
  if (Object.getPrototypeOf(at) !== Date.prototype || (proto !== Date.prototype && proto !== PreciseDate.prototype)) return sample;
  if (stats.length !== FIGURES + 1) return sample;
  for (let i = 1; i <= FIGURES; i++) if (typeof stats[i] !== 'number') return sample;
  const n = stats as readonly number[];
  const extra = proto === PreciseDate.prototype ? (timestamp as PreciseDate).extraMicroseconds : -1;
  // One literal, so the array is exactly as long as it needs to be.
  return [at.getTime(), (timestamp as Date).getTime(), extra, n[1]!, n[2]!, n[3]!, n[4]!, n[5]!, n[6]!, n[7]!, n[8]!];
}

function unpack(sample: PackedSample | StatsSample): StatsSample {
  if (!Array.isArray(sample)) return sample as StatsSample;
  const [at, ms, extra, ...figures] = sample as PackedSample;
  const timestamp = extra! < 0 ? new Date(ms!) : new PreciseDate(ms!, extra);
  return { at: new Date(at!), stats: [timestamp, ...figures] as unknown as SlaveStatsWire };
}

/** The newest `count` nodes of a list as a new list. */
function take(node: StatsNode | null, count: number): StatsNode | null {
  const samples: StatsNode['sample'][] = [];
  for (let n = node; n !== null && samples.length < count; n = n.next) samples.push(n.sample);
  let out: StatsNode | null = null;
  for (let i = samples.length - 1; i >= 0; i--) out = { sample: samples[i]!, next: out };
  return out;
}

export function appendStats(log: StatsLog, sample: StatsSample, keep: number): StatsLog {
  const newest = { sample: pack(sample), next: log.newest };
  return log.length + 1 < keep + Math.max(1, keep >> 2) ? { newest, length: log.length + 1 } : { newest: take(newest, keep), length: keep };
}

/** The newest `keep` samples, oldest first. */
export function statsSamples(log: StatsLog, keep: number): StatsSample[] {
  const out: StatsSample[] = [];
  for (let n = log.newest; n !== null && out.length < keep; n = n.next) out.push(unpack(n.sample));
  return out.reverse();
}
