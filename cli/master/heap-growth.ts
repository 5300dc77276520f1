/**
 * How far V8 lets the master's old generation grow past what was live at the last full collection.
 *
 * V8 sizes that growth from how fast it collects, and on a machine with a few GB of memory allows up to
 * four times the live heap. The master's live heap is small (about 30 MB with 500 slaves), but each
 * slave's session state lives from one message to the next, long enough to be promoted out of the young
 * generation, so under load the old generation filled with garbage up to 4× before a full collection
 * and the master's RSS rose from 125 to 250-310 MiB at 500 slaves (and only fell after V8's memory
 * reducer ran, seconds after the load stopped). A factor of 1.3 (V8's own when it is told to save
 * memory) bounds the heap at 500 slaves to about 80 MB at the price of more frequent full collections,
 * most of whose marking runs on V8's helper threads.
 *
 * Set at run time rather than on node's command line, so every way the master starts (the piw-master
 * bin, systemd's unit, `npm start`, the benchmarks) gets it: V8 reads the flag at each collection. A
 * `--heap-growing-percent` given to node by the operator is left as it is.
 */
import { setFlagsFromString } from 'node:v8';

const HEAP_GROWING_PERCENT = 30;

/** Applies the master's heap growth unless node was started with its own; says whether it did. */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
