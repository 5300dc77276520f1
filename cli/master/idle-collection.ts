/**
 * Gives the heap a busy spell grew (500 slaves leaving, a burst of page rewrites) back to the system once
 * the master has settled, within a minute rather than at V8's watchdog.
 *
 * V8's memory reducer does the giving back: compacting collections that also shrink the young generation
 * to its first size. It checks every 8 s after a full collection, but starts only when it judges the
 * allocation rate low, from the allocation samples of the last ten collections; an idle master has no
 * collections, so the busy spell's rate stays on record and the reducer waits for its watchdog: after a
 * 500-slave run the master kept 224 MiB a minute on, its main isolate 85 MB committed for 18 MB used.
 * Collections run to refresh those samples do not help: a young-generation collection of an empty young
 * generation records a near-zero collection speed, which reads as a high rate again. So once the event
 * loop has been idle for 30 s after a busy spell, one full collection frees what the spell left (and arms
 * the reducer), and V8 is told to favour memory over speed (`--optimize-for-size`, read at each of the
 * reducer's checks), under which the reducer starts whatever the rate; it is turned off again once the
 * heap is back near what is live, after 20 s at most, or at the next busy spell.
 *
 * Giving back costs the next spell its compiled code (memory-reducing collections flush it), so a master
 * that pauses for seconds between bursts is left alone: after 5 s of idle instead of 30, 1 MiB imports a
 * few seconds apart cost the master a quarter more CPU. Busy or idle is read from the event loop's
 * utilisation, not the clock; node does not export V8's memory-pressure notification, so the collection
 * is V8's own `gc()` (exposed to one private context here, not to the master's code).
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleCollectionOptions {
  /** How often busy or idle is judged. */
  intervalMs?: number;
  /** Event-loop utilisation over an interval above which the master counts as busy. */
  busy?: number;
  /** … and below which it counts as idle. */
  idle?: number;
  /** Growth of V8's heap (bytes) since the last collection that is worth another one once idle. */
  growth?: number;
  /** How long the master must have been idle without a break before its heap is given back. */
  settleMs?: number;
}

/**
 * How long V8 favours memory after an idle collection at most: two of its reducer's 8 s checks. Favouring
 * memory also makes V8 compile for size, so the flag is not left on for a busy spell to find.
 */
const FAVOUR_MS = 20_000;

/** Starts watching (an unref'd timer: it never keeps the process alive); returns how to stop. */
export function collectWhenIdle({ intervalMs = 5_000, busy = 0.25, idle = 0.05, growth = 8 * 2 ** 20, settleMs = 30_000 }: IdleCollectionOptions = {}): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  // An operator who started node with --optimize-for-size keeps it all the time.
  const ownFlag = process.execArgv.some((arg) => /^--optimize[-_]for[-_]size$/.test(arg));
  /** How much longer (ms) V8 is told to favour memory: until the heap is given back, at most FAVOUR_MS. */
  let favouring = 0;
  const favourMemory = (ms: number) => {
    if (!ownFlag && ms > 0 !== favouring > 0) setFlagsFromString(ms > 0 ? '--optimize-for-size' : '--no-optimize-for-size');
    favouring = ms;
  };
  const givenBack = () => {
    const heap = getHeapStatistics();
    return heap.total_heap_size < 1.5 * heap.used_heap_size + 4 * 2 ** 20;
  };
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let wasBusy = false;
  /** For how long every interval has been idle. */
  let quietMs = 0;
  let collected = getHeapStatistics().total_heap_size;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    quietMs = utilization < idle ? quietMs + intervalMs : 0;
    if (utilization >= busy) {
      favourMemory(0);
      wasBusy = true;
    }
    // Settled: once after a busy spell, and again if what the last spell left (sessions ending) grew the heap.
    else if (quietMs >= settleMs && (wasBusy || getHeapStatistics().total_heap_size > collected + growth)) {
      wasBusy = false;
      gc();
      favourMemory(FAVOUR_MS);
      collected = getHeapStatistics().total_heap_size;
    } else if (favouring > 0) favourMemory(givenBack() ? 0 : favouring - intervalMs);
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    favourMemory(0);
  };
}
