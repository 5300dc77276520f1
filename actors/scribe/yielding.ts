/**
 * Long computations in slices, with a turn of the event loop between slices: the Scribe shares its event
 * loop with the tasks that answer the slaves, and a package with thousands of versions or a list of
 * 600,000 names must not hold it for hundreds of milliseconds.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Items handled between turns of the event loop. */
export const SLICE = 2_048;

/** `items.map(fn)`, yielding between slices. */
export async function mapYielding<T, U>(items: readonly T[], fn: (item: T, index: number) => U): Promise<U[]> {
  const out: U[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % SLICE === 0) await nextTurn();
    out.push(fn(items[i]!, i));
  }
  return out;
}

/** A stable bottom-up merge sort that yields between slices of work. */
export async function sortYielding<T>(items: readonly T[], compare: (a: T, b: T) => number): Promise<T[]> {
  let runs: T[][] = [];
  for (let i = 0; i < items.length; i += SLICE) {
    if (i > 0) await nextTurn();
    runs.push(items.slice(i, i + SLICE).sort(compare)); // Array#sort is stable
  }
  while (runs.length > 1) {
    const merged: T[][] = [];
    for (let i = 0; i < runs.length; i += 2) merged.push(i + 1 < runs.length ? await merge(runs[i]!, runs[i + 1]!, compare) : runs[i]!);
    runs = merged;
  }
  return runs[0] ?? [];
}

async function merge<T>(a: T[], b: T[], compare: (a: T, b: T) => number): Promise<T[]> {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    out.push(compare(b[j]!, a[i]!) < 0 ? b[j++]! : a[i++]!); // ties keep a's (earlier) item first
    if (out.length % SLICE === 0) await nextTurn();
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
