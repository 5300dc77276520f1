import { formatStateValue, summarize } from '../../../actors/inspect/summary.js';

test('an event in one line, its type left out (the page shows it apart)', () => {
  expect(summarize({ type: 'BUILT', status: true, files: [['a-1.0-py3-none-any.whl', 1234]] })).toBe(
    '{status: true, files: [["a-1.0-py3-none-any.whl", 1234]]}',
  );
  expect(summarize({ type: 'IDLE' })).toBe('{}');
});

test('never longer than its budget, however big the event', () => {
  const huge = { type: 'X', text: 'x'.repeat(1_000_000), list: Array.from({ length: 100_000 }, (_, i) => i) };
  const line = summarize(huge, 50);
  expect(line.length).toBeLessThanOrEqual(50);
  expect(line.endsWith('…')).toBe(true);
});

test('binary data by its size, errors by their message, deep values cut', () => {
  expect(summarize({ type: 'CHUNK', data: Buffer.alloc(65536) })).toBe('{data: <65536 bytes>}');
  expect(summarize({ type: 'xstate.error.actor.x', error: new TypeError('bad input') })).toBe('{error: TypeError: bad input}');
  expect(summarize({ type: 'A', a: { b: { c: { d: 1 } } } })).toBe('{a: {b: {c: {…}}}}');
  expect(summarize({ type: 'A', when: new Date(0), fn: () => 1, big: 2n, set: new Set([1]), map: new Map([[1, 2]]) })).toBe(
    '{when: 1970-01-01T00:00:00.000Z, fn: ƒ, big: 2n, set: [1], map: Map(1)}',
  );
});

test('an actor in an event is named, not walked into', () => {
  const actor = { sessionId: 'x:3', id: 'slave_driver', send() {}, system: { huge: true } };
  expect(summarize({ type: 'A', from: actor })).toBe('{from: <actor slave_driver>}');
});

test('state values: nested with dots, parallel regions with commas', () => {
  expect(formatStateValue('idle')).toBe('idle');
  expect(formatStateValue({ connected: 'building' })).toBe('connected.building');
  expect(formatStateValue({ connected: { transferring: 'sending' } })).toBe('connected.transferring.sending');
  expect(formatStateValue({ a: 'x', b: { c: 'y' } })).toBe('a.x, b.c.y');
  expect(formatStateValue({ run: { a: 'x', b: 'y' } })).toBe('run.(a.x, b.y)');
});
