/**
 * issue 15: the master's heap. Its growth (cli/master/heap-growth.ts): a node process given the master's
 * setting at run time collects its old generation far more often under the same promotion-heavy load
 * (objects that outlive a few scavenges, as slave sessions' state does) than one left to V8's default,
 * and an operator's own --heap-growing-percent is left alone. Its return (cli/master/idle-collection.ts):
 * a process that falls idle after a busy spell is collected in full once; one that was never busy is not.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { limitHeapGrowth } from '../../cli/master/heap-growth.js';

const HEAP_GROWTH = fileURLToPath(new URL('../../cli/master/heap-growth.ts', import.meta.url));
const IDLE_COLLECTION = fileURLToPath(new URL('../../cli/master/idle-collection.ts', import.meta.url));

/** --trace-gc's lines of a node process running `script` (an ES module). */
function traceGc(script: string): string[] {
  const result = spawnSync(process.execPath, ['--trace-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout.split('\n');
}

/** Full collections (--trace-gc's Mark-Compact lines) in a node process promoting a few hundred MB of garbage. */
function fullCollections(limited: boolean): number {
  const script = `
    ${limited ? `const { limitHeapGrowth } = await import(${JSON.stringify(HEAP_GROWTH)}); limitHeapGrowth();` : ''}
    const ring = new Array(300_000);
    const live = Array.from({ length: 200_000 }, (_, i) => ({ i, s: 'live' + i }));
    for (let i = 0; i < 4_000_000; i++) ring[i % ring.length] = { i, pair: [i, i] };
    if (live.length !== 200_000) process.exit(1);
  `;
  return traceGc(script).filter((line) => line.includes('Mark-Compact')).length;
}

test('issue 15: under the master\'s setting the old generation is collected before it fills with promoted garbage', () => {
  const unlimited = fullCollections(false);
  const limited = fullCollections(true);
  expect(limited).toBeGreaterThanOrEqual(2 * Math.max(unlimited, 1));
});

test('issue 15: a --heap-growing-percent given to node by the operator is kept', () => {
  expect(limitHeapGrowth(['--heap-growing-percent=80'])).toBe(false);
  expect(limitHeapGrowth(['--heap_growing_percent', '80'])).toBe(false);
});

/** Collections asked for by gc() (--trace-gc says "testing") in a process busy for a second or not, then idle. */
function idleCollections(busy: boolean): number {
  const script = `
    const { collectWhenIdle } = await import(${JSON.stringify(IDLE_COLLECTION)});
    const stop = collectWhenIdle({ intervalMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ring = new Array(100_000);
    for (const end = Date.now() + (${busy} ? 1_000 : 0); Date.now() < end; ) for (let i = 0; i < 100_000; i++) ring[i] = { i };
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    stop();
  `;
  return traceGc(script).filter((line) => line.includes('testing')).length;
}

test('issue 15: a master that falls idle after a busy spell is collected in full, once; an idle one is left alone', () => {
  expect(idleCollections(true)).toBe(1);
  expect(idleCollections(false)).toBe(0);
});
