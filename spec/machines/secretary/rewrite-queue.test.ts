import { RewriteQueue } from '../../../machines/secretary/rewrite-queue.js';

const T0 = Date.UTC(2024, 0, 1);

test('behaviour 133: repeated requests collapse; BOTH upgrades PROJECT keeping place and timestamp; PROJECT never downgrades', () => {
  let q = RewriteQueue.empty.add('foo', 'PROJECT', T0).add('bar', 'PROJECT', T0 + 1);
  q = q.add('foo', 'PROJECT', T0 + 5).add('foo', 'BOTH', T0 + 6).add('bar', 'BOTH', T0 + 7).add('bar', 'PROJECT', T0 + 8);
  expect(q.entries()).toEqual([
    { package: 'foo', command: 'BOTH', addedAt: T0 },
    { package: 'bar', command: 'BOTH', addedAt: T0 + 1 },
  ]);
  expect(q.size).toBe(2);
});

test('behaviour 134: due entries are taken oldest first, strictly older than the delay, at most max', () => {
  const q = RewriteQueue.empty.add('foo', 'BOTH', T0).add('bar', 'PROJECT', T0 + 1000).add('baz', 'PROJECT', T0 + 2000);
  expect(q.takeDue(T0 + 60_000, 60_000)[0]).toEqual([]); // age == delay: not yet
  const [due, rest] = q.takeDue(T0 + 61_001, 60_000);
  expect(due.map((r) => [r.package, r.command])).toEqual([['foo', 'BOTH'], ['bar', 'PROJECT']]);
  expect(rest.entries().map((r) => r.package)).toEqual(['baz']);
  const [one, rest1] = q.takeDue(T0 + 100_000, 60_000, 1);
  expect(one.map((r) => r.package)).toEqual(['foo']);
  expect(rest1.size).toBe(2);
  expect(q.size).toBe(3); // the original value is unchanged
});

test('behaviour 135: purge drops an entry wherever it is; later entries still flush in order', () => {
  const q = RewriteQueue.empty.add('a', 'PROJECT', T0).add('b', 'BOTH', T0 + 1).add('c', 'PROJECT', T0 + 2).purge('a').purge('c');
  expect(q.purge('nothing')).toBe(q);
  expect(q.entries().map((r) => r.package)).toEqual(['b']);
  const again = q.add('a', 'PROJECT', T0 + 3);
  expect(again.takeDue(T0 + 100_000, 60_000)[0].map((r) => r.package)).toEqual(['b', 'a']);
});

test('behaviour 136: rows round-trip in the SAVERWP/LOADRWP shape, in order, with their timestamps', () => {
  const rows = RewriteQueue.empty.add('foo', 'BOTH', T0).add('bar', 'PROJECT', T0 + 1500).toRows();
  expect(rows).toEqual([
    ['foo', new Date(T0), 'BOTH'],
    ['bar', new Date(T0 + 1500), 'PROJECT'],
  ]);
  expect(RewriteQueue.fromRows(rows).entries()).toEqual([
    { package: 'foo', command: 'BOTH', addedAt: T0 },
    { package: 'bar', command: 'PROJECT', addedAt: T0 + 1500 },
  ]);
  expect(RewriteQueue.empty.toRows()).toEqual([]);
});

test('a full-site rebuild of 200,000 packages buffers and drains in linear time', () => {
  let q = RewriteQueue.empty;
  for (let i = 0; i < 200_000; i++) q = q.add(`pkg${i}`, i % 2 ? 'BOTH' : 'PROJECT', T0 + i);
  for (let i = 0; i < 200_000; i += 3) q = q.add(`pkg${i}`, 'BOTH', T0 + 999_999);
  const times: number[] = [];
  for (;;) {
    const [due, rest] = q.takeDue(T0 + 10_000_000, 60_000, 1000);
    if (due.length === 0) break;
    for (const r of due) times.push(r.addedAt);
    q = rest;
  }
  expect(times).toHaveLength(200_000);
  expect(times.every((t, i) => t === T0 + i)).toBe(true); // oldest first, upgrades kept their timestamps
  expect(q.size).toBe(0);
});

test('entries piw-rebuild asks for (now) are due at once, ahead of the buffer; a buffered one moves there', () => {
  let q = RewriteQueue.empty.add('a', 'PROJECT', T0).add('b', 'PROJECT', T0 + 1).add('c', 'BOTH', T0 + 2, true);
  q = q.add('b', 'BOTH', T0 + 3, true).add('c', 'PROJECT', T0 + 4);
  expect(q.entries()).toEqual([
    { package: 'c', command: 'BOTH', addedAt: T0 + 2, now: true },
    { package: 'b', command: 'BOTH', addedAt: T0 + 1, now: true },
    { package: 'a', command: 'PROJECT', addedAt: T0 },
  ]);
  const [due, rest] = q.takeDue(T0 + 5, 60_000);
  expect(due.map((r) => r.package)).toEqual(['c', 'b']);
  expect(rest.takeDue(T0 + 60_001, 60_000)[0].map((r) => r.package)).toEqual(['a']);
  expect(q.purge('c').takeDue(T0, 60_000, 1)[0].map((r) => r.package)).toEqual(['b']);
  expect(q.toRows()).toEqual([
    ['c', new Date(T0 + 2), 'BOTH'],
    ['b', new Date(T0 + 1), 'BOTH'],
    ['a', new Date(T0), 'PROJECT'],
  ]);
});
