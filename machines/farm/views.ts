/**
 * What both faces (piw-monitor, piw-sense) show, derived from a farm snapshot by pure functions: the
 * slaves in display order (ABI, then label), each slave's display state, the master's summary and the
 * series behind the sparklines. `now` is always passed in (the context's own `now` by default).
 */
import type { SnapshotFrom } from 'xstate';
import { HISTORY_MS } from './fold.js';
import type { farmMachine } from './machine.js';
import type { FarmContext, FarmSlave, MasterSample } from './types.js';

/** A build running longer than this is a "long build" (yellow on the Sense HAT, manual 5.3.1). */
export const LONG_BUILD_MS = 15 * 60 * 1000;

/** A slave's state as the manual's colours and piw-monitor's highlighting show it. */
export type SlaveState = 'idle' | 'building' | 'sending' | 'cleaning' | 'timedOut' | 'killed';

/** Where the monitor stands with the master (the `link` region). */
export type LinkState = 'absent' | 'asking' | 'live' | 'silent';
/** What the master is doing as far as we can tell (the `master` region). */
export type MasterState = 'running' | 'paused' | 'quitting';

type FarmSnapshot = SnapshotFrom<typeof farmMachine>;

export function linkState(snapshot: FarmSnapshot): LinkState {
  if (snapshot.matches({ link: 'live' })) return 'live';
  if (snapshot.matches({ link: 'silent' })) return 'silent';
  return snapshot.matches({ link: { waiting: 'asking' } }) ? 'asking' : 'absent';
}

export function masterState(snapshot: FarmSnapshot): MasterState {
  if (snapshot.matches({ master: 'paused' })) return 'paused';
  return snapshot.matches({ master: 'quitting' }) ? 'quitting' : 'running';
}

// numbers within names compare as numbers: cp39 before cp311, pi-2 before pi-10
const natural = new Intl.Collator('en', { numeric: true });

/** 0.18's order: ABI, then label (then id, so that equal labels keep a stable order); numbers as numbers. */
export function compareSlaves(a: FarmSlave, b: FarmSlave): number {
  return natural.compare(a.facts?.abi ?? '', b.facts?.abi ?? '') || natural.compare(a.facts?.label ?? '', b.facts?.label ?? '') || a.id - b.id;
}

export function sortedSlaves(context: FarmContext): FarmSlave[] {
  return [...context.slaves.values()].sort(compareSlaves);
}

/** Silence longer than its busy timeout means the master is about to drop it (0.18: "dead"). */
export function slaveTimedOut(slave: FarmSlave, now: number): boolean {
  return slave.facts !== null && now - slave.lastSeen > slave.facts.busyTimeoutMs;
}

export function slaveState(slave: FarmSlave, now: number): SlaveState {
  if (slave.ended === 'killed') return 'killed';
  if (slave.ended === 'expired' || slaveTimedOut(slave, now)) return 'timedOut';
  return slave.activity;
}

export function isLongBuild(slave: FarmSlave, now: number): boolean {
  return slave.ended === null && slave.activity === 'building' && now - slave.since > LONG_BUILD_MS;
}

/** Why a slave deserves a look (0.18's "alert"): resources short, hot, loaded, or half-way to timing out. */
export function slaveAlerts(slave: FarmSlave, now: number): string[] {
  const alerts: string[] = [];
  if (slave.facts !== null && !slaveTimedOut(slave, now) && now - slave.lastSeen > slave.facts.busyTimeoutMs / 2) alerts.push('quiet');
  const s = slave.stats;
  if (s !== null) {
    if (s.diskFree < s.diskSize * 0.1) alerts.push('disk');
    if (s.memFree < s.memSize * 0.1) alerts.push('memory');
    if (s.swapSize > 0 && s.swapFree < s.swapSize * 0.5) alerts.push('swap');
    if (s.load > 4) alerts.push('load');
    if (s.temperature > 78) alerts.push('temperature');
  }
  return alerts;
}

const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** `[abi, count]` sorted by ABI. */
export function byAbi(counts: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface MasterSummary {
  label: string | null;
  started: number | null;
  /** Since the master started (monitor's clock minus the master's start). */
  uptimeMs: number | null;
  /** Since anything was last heard. */
  lastHeardMs: number | null;
  restarts: number;
  restartedAt: number | null;
  /** Builds waiting, all ABIs. */
  queue: number | null;
  queueByAbi: [string, number][];
  buildsPerHour: number | null;
  buildsPerHourByAbi: [string, number][];
  diskFree: number | null;
  diskSize: number | null;
  /** Free share of the output disk, 0–1. */
  diskFreeRatio: number | null;
  stats: MasterSample | null;
}

export function masterSummary(context: FarmContext, now: number = context.now): MasterSummary {
  const { facts, stats, heardAt } = context.master;
  return {
    label: facts?.label ?? null,
    started: facts?.started ?? null,
    uptimeMs: facts === null ? null : Math.max(0, now - facts.started),
    lastHeardMs: heardAt === null ? null : Math.max(0, now - heardAt),
    restarts: context.master.restarts,
    restartedAt: context.master.restartedAt,
    queue: stats === null ? null : sum(stats.buildsPending),
    queueByAbi: stats === null ? [] : byAbi(stats.buildsPending),
    buildsPerHour: stats === null ? null : sum(stats.buildsLastHour),
    buildsPerHourByAbi: stats === null ? [] : byAbi(stats.buildsLastHour),
    diskFree: stats?.diskFree ?? null,
    diskSize: stats?.diskSize ?? null,
    diskFreeRatio: stats === null || stats.diskSize <= 0 ? null : stats.diskFree / stats.diskSize,
    stats,
  };
}

/** What a sparkline plots. */
export type SeriesName = 'buildsPerHour' | 'queue';

const PICK: Record<SeriesName, (s: MasterSample) => number> = {
  buildsPerHour: (s) => sum(s.buildsLastHour),
  queue: (s) => sum(s.buildsPending),
};

/**
 * The master's history as `buckets` values over the `spanMs` before its latest sample, oldest first:
 * each bucket holds the latest sample that falls in it, null where there is none (no data yet, or the
 * master was away).
 */
export function historySeries(context: FarmContext, name: SeriesName, buckets: number, spanMs: number = HISTORY_MS): (number | null)[] {
  const out: (number | null)[] = new Array(Math.max(0, buckets)).fill(null);
  const { history } = context.master;
  if (buckets <= 0 || history.length === 0) return out;
  const end = history[history.length - 1]!.at;
  const start = end - spanMs;
  for (const sample of history) {
    if (sample.at <= start) continue;
    const i = Math.min(buckets - 1, Math.floor(((sample.at - start) / spanMs) * buckets));
    out[i] = PICK[name](sample);
  }
  return out;
}
