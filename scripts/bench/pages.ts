/**
 * Benchmark: the Scribe writing project pages and package indexes (BOTH) for 20,000 packages from an
 * in-memory ScribeData into a temp dir, at several concurrencies (the Secretary's): once onto an empty
 * site (every directory new, and every build's log written), once more over it (nothing changed: the
 * steady state of piw-rebuild), and once more after a change to every package (each one's newest version
 * yanked, so every page and JSON file is written again), plus start-up, HOME and SEARCH. A BOTH writes a package's
 * index and project page, each also as JSON (4 files), and counts as 2 pages, as it did when it wrote
 * only the 2 HTML files; wheels' metadata is taken as recorded (it is read once per wheel). Prints pages/s and the event loop's delay during each run (perf_hooks'
 * monitorEventLoopDelay): the worst stall is how long a slave's message could have waited. The longest
 * garbage-collector pause of the run is printed beside it, since GC pauses stall the loop too, and a disk
 * baseline (bare atomic writes, measured just before) shows how much of the time is the disk's.
 *
 *   npx tsx scripts/bench/pages.ts [packages=20000] [concurrency,…=1,4,8]
 *
 * Every new page is fsynced (file and directory; a replaced page its file only), so the figures depend on
 * the disk; the Scribe's writer (4 worker threads) bounds how many fsyncs run at once, and libuv's thread
 * pool (UV_THREADPOOL_SIZE, default 4) those of the disk baseline. Build logs are not fsynced, but each is
 * a new file: on a file system where creating one is dear, the new-site pass pays for them.
 *
 * The original 0.18 master writes about 150 pages/s; the target here is ≥ 1,500.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { MemoryScribeData } from '../../actors/scribe/memory-data.js';
import type { MemoryPackage } from '../../actors/scribe/memory-data.js';
import { Scribe } from '../../actors/scribe/scribe.js';
import { writeFileAtomic } from '../../actors/support/atomic-file.js';
import { TimeDelta } from '../../protocols/index.js';
import type { MasterStatsWire } from '../../protocols/index.js';
import { makePackages } from './support/site-data.js';

const PACKAGES = Number(process.argv[2] ?? 20_000);
const CONCURRENCIES = (process.argv[3] ?? '1,4,8').split(',').map(Number);

/** A package with thousands of releases (nightly-build projects have them). */
function hugePackage(versions: number, filesPerVersion: number): MemoryPackage {
  const name = 'huge-nightly';
  return {
    name,
    description: 'Nightly builds',
    versions: Array.from({ length: versions }, (_, v) => {
      const version = `1.${Math.floor(v / 100)}.${v % 100}.dev${v}`;
      const files = Array.from({ length: filesPerVersion }, (_, f) => ({
        filename: `huge_nightly-${version}-cp3${f}-cp3${f}-linux_armv7l.whl`,
        size: 10_000_000 + f,
        hash: `${v}`.padStart(64, '0'),
        abi: `cp3${f}`,
        metadataHash: `${v}`.padStart(64, '1'),
      }));
      return { version, builds: [{ abi: 'cp311', ok: true, files }] };
    }),
  };
}

interface Stall {
  p50: number;
  p99: number;
  max: number;
  gcMax: number;
}

let gcMax = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMax = Math.max(gcMax, entry.duration);
}).observe({ entryTypes: ['gc'] });

/** Runs `work` while sampling the event loop's delay (resolution 1 ms); figures in milliseconds. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; stall: Stall }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  gcMax = 0;
  h.enable();
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  h.disable();
  const ms = (ns: number) => ns / 1e6;
  return { result, seconds, stall: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), gcMax } };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const stallText = (s: Stall) =>
  `event-loop delay p50 ${fmt(s.p50, 1)} ms, p99 ${fmt(s.p99, 1)} ms, max ${fmt(s.max, 1)} ms (longest GC pause ${fmt(s.gcMax, 1)} ms)`;

/**
 * The disk's share: the same number of atomic writes (fixed 8 KiB pages, two per fresh directory, no
 * rendering, no queries) at the same concurrency. The Scribe cannot beat this figure; the gap is its cost.
 */
async function diskBaseline(pages: number, concurrency: number): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'piw-bench-disk-'));
  const page = 'x'.repeat(8192);
  let next = 0;
  try {
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < pages / 2) {
          const dir = join(root, String(next++));
          await mkdir(dir);
          await Promise.all([writeFileAtomic(join(dir, 'a.html'), page), writeFileAtomic(join(dir, 'b.html'), page)]);
        }
      }),
    );
    return pages / ((performance.now() - t0) / 1000);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function stats(): MasterStatsWire {
  return [new Date(), PACKAGES, { cp311: 60 }, new TimeDelta(3, 0), 10 ** 11, { cp311: 5000 }, 40, 250_000, 900, 2_500_000, 90_000_000, 10 ** 12, 5 * 10 ** 11, 8 * 2 ** 30, 2 ** 32, 2 ** 30, 2 ** 30, 0.4, 48.2];
}

const packages = makePackages(PACKAGES);
const data = new MemoryScribeData(packages);
const files = packages.reduce((n, p) => n + (p.versions ?? []).reduce((m, v) => m + (v.builds ?? []).reduce((k, b) => k + (b.files?.length ?? 0), 0), 0), 0);
const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
console.log(
  `pages benchmark: ${fmt(PACKAGES)} packages, ${fmt(files)} files (heap ${fmt(heapMiB)} MiB with the data), node ${process.version}, ` +
    `UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
);

for (const concurrency of CONCURRENCIES) {
  const output = await mkdtemp(join(tmpdir(), 'piw-bench-pages-'));
  try {
    const scribe = new Scribe({ data, output });
    const start = await measured(() => scribe.start());
    if (concurrency === CONCURRENCIES[0]) {
      console.log(`start-up (static pages, assets, simple/index.html of ${fmt(PACKAGES)}): ${fmt(start.seconds, 2)} s; ${stallText(start.stall)}`);
    }
    console.log(`disk baseline at concurrency ${concurrency}: ${fmt(await diskBaseline(8_000, concurrency))} bare atomic page writes/s`);
    for (const pass of ['new site', 'rewrite', 'rewrite after a change']) {
      if (pass === 'rewrite after a change') {
        // every page of every package changes: its newest version is yanked (the HTML, the JSON, both pages)
        for (const p of packages) {
          const newest = p.versions?.at(-1);
          if (newest) newest.yanked = !newest.yanked;
          data.put(p);
        }
      }
      let next = 0;
      const run = await measured(() =>
        Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < packages.length) await scribe.both(packages[next++]!.name);
          }),
        ),
      );
      const pages = 2 * packages.length;
      console.log(
        `BOTH x ${fmt(PACKAGES)}, ${pass}, concurrency ${concurrency}: ${fmt(pages)} pages in ${fmt(run.seconds, 2)} s = ${fmt(pages / run.seconds)} pages/s; ${stallText(run.stall)}`,
      );
    }
    if (concurrency === CONCURRENCIES[CONCURRENCIES.length - 1]) {
      const huge = hugePackage(5_000, 5);
      data.put(huge);
      const one = await measured(() => scribe.both(huge.name));
      console.log(`BOTH of one package with 5,000 versions and 25,000 files: ${fmt(one.seconds * 1000)} ms; ${stallText(one.stall)}`);
      const home = await measured(() => scribe.home(stats()));
      console.log(`HOME (index.html + sitemaps): ${fmt(home.seconds * 1000)} ms; ${stallText(home.stall)}`);
      const map = Object.fromEntries(packages.map((p, i): [string, [number, number]] => [p.name, [i % 1000, i]]));
      const search = await measured(() => scribe.search(map));
      console.log(`SEARCH (packages.json): ${fmt(search.seconds * 1000)} ms; ${stallText(search.stall)}`);
    }
  } finally {
    await rm(output, { recursive: true, force: true });
  }
}
