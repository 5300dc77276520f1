/**
 * One full garbage collection when the master falls idle after a busy spell (500 slaves leaving, a burst
 * of page rewrites), so the heap it grew for the load is given back to the system within seconds.
 *
 * V8 has a memory reducer for that, but it starts only when it sees a low allocation rate, and it reads
 * the rate at garbage collections, which an idle master no longer has: after a 500-slave run the heap
 * stayed at its peak (180-235 MiB RSS a minute later) until V8's watchdog, minutes on. The event loop's
 * utilisation says busy or idle without asking the clock how loaded the machine is; node does not
 * export V8's memory-pressure notification, so the collection is V8's own `gc()` (exposed to one private
 * context here, not to the master's code).
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
}

/** Starts watching (an unref'd timer: it never keeps the process alive); returns how to stop. */
export function collectWhenIdle({ intervalMs = 5_000, busy = 0.25, idle = 0.05, growth = 8 * 2 ** 20 }: IdleCollectionOptions = {}): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let wasBusy = false;
  let collected = getHeapStatistics().total_heap_size;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    if (utilization >= busy) wasBusy = true;
    // Idle: once after a busy spell, and again if what the last spell left (sessions ending) grew the heap.
    else if (utilization < idle && (wasBusy || getHeapStatistics().total_heap_size > collected + growth)) {
      wasBusy = false;
      gc();
      collected = getHeapStatistics().total_heap_size;
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
