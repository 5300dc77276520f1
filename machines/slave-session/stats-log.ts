/**
 * The last N stats samples of a slave, for monitor replay (behaviour 71). Appending happens on every
 * IDLE and BUSY, so it must be cheap and must not copy: an immutable list, newest first, trimmed back to N
 * only when it reaches 2N (one O(N) rebuild per N appends).
 */
import type { StatsSample } from './types.js';

/** Stats samples replayed per slave (behaviour 71). */
export const STATS_KEPT = 100;

interface StatsNode {
  readonly sample: StatsSample;
  readonly next: StatsNode | null;
}

export interface StatsLog {
  readonly newest: StatsNode | null;
  readonly length: number;
}

export const EMPTY_STATS_LOG: StatsLog = { newest: null, length: 0 };

/** The newest `count` nodes of a list as a new list. */
function take(node: StatsNode | null, count: number): StatsNode | null {
  const samples: StatsSample[] = [];
  for (let n = node; n !== null && samples.length < count; n = n.next) samples.push(n.sample);
  let out: StatsNode | null = null;
  for (let i = samples.length - 1; i >= 0; i--) out = { sample: samples[i]!, next: out };
  return out;
}

export function appendStats(log: StatsLog, sample: StatsSample, keep: number): StatsLog {
  const newest = { sample, next: log.newest };
  return log.length + 1 < 2 * keep ? { newest, length: log.length + 1 } : { newest: take(newest, keep), length: keep };
}

/** The newest `keep` samples, oldest first. */
export function statsSamples(log: StatsLog, keep: number): StatsSample[] {
  const out: StatsSample[] = [];
  for (let n = log.newest; n !== null && out.length < keep; n = n.next) out.push(n.sample);
  return out.reverse();
}
