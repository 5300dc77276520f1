/**
 * issue 15: the master's heap growth (cli/master/heap-growth.ts). A node process given the master's
 * setting at run time collects its old generation far more often under the same promotion-heavy load
 * (objects that outlive a few scavenges, as slave sessions' state does) than one left to V8's default,
 * and an operator's own --heap-growing-percent is left alone.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { limitHeapGrowth } from '../../cli/master/heap-growth.js';

const HEAP_GROWTH = fileURLToPath(new URL('../../cli/master/heap-growth.ts', import.meta.url));

/** Full collections (--trace-gc's Mark-Compact lines) in a node process promoting a few hundred MB of garbage. */
function fullCollections(limited: boolean): number {
  const script = `
    ${limited ? `const { limitHeapGrowth } = await import(${JSON.stringify(HEAP_GROWTH)}); limitHeapGrowth();` : ''}
    const ring = new Array(300_000);
    const live = Array.from({ length: 200_000 }, (_, i) => ({ i, s: 'live' + i }));
    for (let i = 0; i < 4_000_000; i++) ring[i % ring.length] = { i, pair: [i, i] };
    if (live.length !== 200_000) process.exit(1);
  `;
  const result = spawnSync(process.execPath, ['--trace-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout.split('\n').filter((line) => line.includes('Mark-Compact')).length;
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
