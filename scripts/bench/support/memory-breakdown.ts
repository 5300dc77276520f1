/**
 * What a real master's memory is made of at its highest RSS (issue 15: the peak under 500 slaves), for the
 * benchmarks that run one (support/real-master.ts). A small probe loaded into the master's main thread
 * (node's `--import`, as a data: URL so that it runs in any checkout's master, `--root` and `--installed`
 * included) checks RSS every 250 ms and, at each new peak a MiB or more above the last (at most once a
 * second), writes to a file what V8 says of its main isolate's heap spaces and what /proc/self/smaps says
 * of the process's mappings, split as:
 * - file-backed: node's code and the shared libraries;
 * - malloc's main arena (`[heap]`) and its thread arenas (64 MiB-aligned reservations, one per thread that
 *   mallocs, up to 8 per core): ZeroMQ's per-connection pipes and buffers, node's and V8's own C++ data;
 * - the rest of the anonymous memory: V8's heaps (every isolate's, worker threads' included), thread
 *   stacks and malloc's larger blocks (mmap'd on their own).
 * Reading smaps walks the master's mappings, so it is done only at those new peaks.
 */
import { readFileSync } from 'node:fs';

export interface HeapSpace {
  name: string;
  /** Committed, KiB. */
  physical: number;
  /** Live objects and garbage not yet collected, KiB. */
  used: number;
}

export interface MemoryAtPeak {
  /** KiB, as process.memoryUsage() and the mappings had them at the peak. */
  rss: number;
  external: number;
  arrayBuffers: number;
  spaces: HeapSpace[];
  mappings: { file: number; mainArena: number; threadArenas: number; arenaCount: number; otherAnon: number };
  threads: number;
}

// Plain JavaScript: it runs inside the master, not through this checkout's build.
const PROBE = String.raw`
import { readFileSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
const OUT = process.env.PIW_BENCH_MEMORY_FILE;
if (isMainThread && OUT) {
  const ARENA = 64n << 20n;
  const kib = (b) => Math.round(b / 1024);
  const mappings = () => {
    const maps = [];
    for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
      const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
      if (head) maps.push({ start: BigInt('0x' + head[1]), end: BigInt('0x' + head[2]), perm: head[3], file: head[4] !== '0' || head[5].startsWith('/'), name: head[5], rss: 0 });
      const rss = /^Rss:\s+(\d+) kB/.exec(line);
      if (rss) maps[maps.length - 1].rss = Number(rss[1]);
    }
    const out = { file: 0, mainArena: 0, threadArenas: 0, arenaCount: 0, otherAnon: 0 };
    maps.forEach((m, i) => {
      // glibc's thread arena: a 64 MiB-aligned reservation, its used part read-write and the rest PROT_NONE
      const next = maps[i + 1];
      const arena = !m.file && m.name === '' && m.start % ARENA === 0n && (m.end - m.start === ARENA || (next !== undefined && next.perm === '---p' && next.end - m.start === ARENA));
      const kind = m.file ? 'file' : m.name === '[heap]' ? 'mainArena' : arena ? 'threadArenas' : 'otherAnon';
      if (arena) out.arenaCount++;
      out[kind] += m.rss;
    });
    return out;
  };
  let peak = 0;
  let last = 0;
  setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss < peak + (1 << 20) || Date.now() - last < 1000) return;
    peak = rss;
    last = Date.now();
    const mu = process.memoryUsage();
    const spaces = getHeapSpaceStatistics().filter((s) => s.physical_space_size > 0).map((s) => ({ name: s.space_name, physical: kib(s.physical_space_size), used: kib(s.space_used_size) }));
    const threads = Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
    writeFileSync(OUT, JSON.stringify({ rss: kib(mu.rss), external: kib(mu.external), arrayBuffers: kib(mu.arrayBuffers), spaces, mappings: mappings(), threads }));
  }, 250).unref();
}
`;

/** The node options that load the probe; the master's environment needs PIW_BENCH_MEMORY_FILE set to where it writes. */
export const memoryProbeArgs = ['--import', `data:text/javascript,${encodeURIComponent(PROBE)}`];

/** The probe's last reading (its highest RSS so far), or undefined if it wrote none. */
export function readMemoryAtPeak(file: string): MemoryAtPeak | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as MemoryAtPeak;
  } catch {
    return undefined;
  }
}

const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

/** One paragraph for a benchmark's output. */
export function describeMemoryAtPeak(m: MemoryAtPeak): string {
  const space = (name: string) => m.spaces.find((s) => s.name === name);
  const v8 = m.spaces.reduce((sum, s) => sum + s.physical, 0);
  const old = space('old_space');
  const large = (space('large_object_space')?.physical ?? 0) + (space('new_large_object_space')?.physical ?? 0) + (space('code_large_object_space')?.physical ?? 0);
  const { file, mainArena, threadArenas, arenaCount, otherAnon } = m.mappings;
  return [
    `master memory at its highest RSS, ${mib(m.rss)} (${m.threads} threads):`,
    `  file-backed (node, libraries) ${mib(file)}; malloc ${mib(mainArena + threadArenas)} (main arena ${mib(mainArena)}, ${arenaCount} thread arenas ${mib(threadArenas)}); other anonymous ${mib(otherAnon)}`,
    `  of the other anonymous, the main isolate's V8 heap ${mib(v8)}: new space ${mib(space('new_space')?.physical ?? 0)}, old space ${mib(old?.physical ?? 0)} (${mib(old?.used ?? 0)} used), code ${mib(space('code_space')?.physical ?? 0)}, large objects ${mib(large)}; the rest (worker isolates, stacks, large mallocs) ${mib(otherAnon - v8)}`,
    `  held outside V8's heap by its objects (Buffers, ArrayBuffers, PGlite's WebAssembly memory; in malloc or mapped on their own) ${mib(m.external)}`,
  ].join('\n');
}
