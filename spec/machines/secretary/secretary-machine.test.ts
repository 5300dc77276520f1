import { createActor } from 'xstate';
import { TimeDelta } from '../../../protocols/index.js';
import type { MasterStatsWire } from '../../../protocols/index.js';
import {
  BUFFER_DELAY_MS,
  DEV_BUFFER_DELAY_MS,
  pendingRows,
  secretaryMachine,
} from '../../../machines/secretary/secretary-machine.js';
import type { SecretaryEmitted, SecretaryEvent, SecretaryInput, WebRequest } from '../../../machines/secretary/secretary-machine.js';
import type { RewriteRow } from '../../../machines/secretary/rewrite-queue.js';
import { expectFullCoverage } from '../support/coverage.js';

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);

const stats: MasterStatsWire = [
  new Date(T0), 1, {}, new TimeDelta(), 0, {}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 40.0,
];

/** A started Secretary with the saved rows loaded; `out` collects everything it emits. */
function start(input: SecretaryInput = {}, rows: RewriteRow[] = []) {
  const actor = createActor(secretaryMachine, { input });
  const out: SecretaryEmitted[] = [];
  actor.on('*', (e) => out.push(e));
  actor.start();
  actor.send({ type: 'LOAD', rows });
  let id = 0;
  const request = (msg: WebRequest, at = T0) => {
    actor.send({ type: 'REQUEST', id: ++id, msg, at });
    return id;
  };
  const tick = (now: number) => actor.send({ type: 'TICK', now });
  const take = () => out.splice(0);
  return { actor, request, tick, take };
}

const rewrites = (emitted: SecretaryEmitted[]) =>
  emitted.flatMap((e) => (e.type === 'rewrite' ? [`${e.msg.verb} ${e.msg.data}`] : []));

test('behaviour 131: HOME and SEARCH are forwarded at once and not answered by the Secretary itself', () => {
  const s = start();
  const home = s.request({ verb: 'HOME', data: stats });
  const search = s.request({ verb: 'SEARCH', data: { foo: [1, 2] } });
  expect(s.take()).toEqual([
    { type: 'forward', id: home, msg: { verb: 'HOME', data: stats } },
    { type: 'forward', id: search, msg: { verb: 'SEARCH', data: { foo: [1, 2] } } },
  ]);
});

test('behaviour 132: PROJECT is answered at once; the Scribe sees it only once it is older than 60 s', () => {
  const s = start();
  const id = s.request({ verb: 'PROJECT', data: 'foo' });
  expect(s.take()).toEqual([{ type: 'answer', id }]);
  s.tick(T0 + 1_000);
  s.tick(T0 + BUFFER_DELAY_MS); // exactly 60 s old: not yet (strictly greater)
  expect(s.take()).toEqual([]);
  s.tick(T0 + BUFFER_DELAY_MS + 1);
  expect(s.take()).toEqual([{ type: 'rewrite', msg: { verb: 'PROJECT', data: 'foo' } }]);
  s.tick(T0 + 10 * BUFFER_DELAY_MS);
  expect(s.take()).toEqual([]); // flushed once only
});

test('behaviour 133: repeated requests collapse into one; BOTH upgrades PROJECT without changing its timestamp', () => {
  const s = start();
  s.request({ verb: 'PROJECT', data: 'foo' }, T0);
  s.request({ verb: 'PROJECT', data: 'foo' }, T0 + 10_000);
  s.request({ verb: 'BOTH', data: 'foo' }, T0 + 20_000);
  s.request({ verb: 'PROJECT', data: 'foo' }, T0 + 30_000); // never downgrades
  expect(s.take().map((e) => e.type)).toEqual(['answer', 'answer', 'answer', 'answer']);
  s.tick(T0 + BUFFER_DELAY_MS + 1); // due by the first request's time
  expect(rewrites(s.take())).toEqual(['BOTH foo']);
});

test('behaviour 134: buffered entries are flushed oldest first (BOTH foo, then PROJECT bar)', () => {
  const s = start({ concurrency: 10 });
  s.request({ verb: 'BOTH', data: 'foo' }, T0);
  s.request({ verb: 'PROJECT', data: 'bar' }, T0 + 1);
  s.request({ verb: 'PROJECT', data: 'baz' }, T0 + 30_000);
  s.take();
  s.tick(T0 + BUFFER_DELAY_MS + 2);
  expect(rewrites(s.take())).toEqual(['BOTH foo', 'PROJECT bar']);
  s.tick(T0 + 30_000 + BUFFER_DELAY_MS + 1);
  expect(rewrites(s.take())).toEqual(['PROJECT baz']);
});

test('behaviour 135: DELPKG and DELVER pass through at once and purge the buffered entry', () => {
  const s = start();
  s.request({ verb: 'BOTH', data: 'foo' });
  s.request({ verb: 'PROJECT', data: 'bar' });
  s.request({ verb: 'PROJECT', data: 'keep' });
  s.take();
  const delpkg = s.request({ verb: 'DELPKG', data: 'foo' });
  const delver = s.request({ verb: 'DELVER', data: ['bar', '1.0'] });
  expect(s.take()).toEqual([
    { type: 'forward', id: delpkg, msg: { verb: 'DELPKG', data: 'foo' } },
    { type: 'forward', id: delver, msg: { verb: 'DELVER', data: ['bar', '1.0'] } },
  ]);
  s.tick(T0 + BUFFER_DELAY_MS + 1);
  expect(rewrites(s.take())).toEqual(['PROJECT keep']);
});

test('behaviour 136: LOADRWP rows are re-queued with their original timestamps and flush on the first tick', () => {
  const s = start({}, [
    ['old', new Date(T0 - 120_000), 'BOTH'],
    ['recent', new Date(T0 - 1_000), 'PROJECT'],
  ]);
  s.request({ verb: 'PROJECT', data: 'old' }, T0); // collapses into the loaded entry
  s.take();
  s.tick(T0);
  expect(rewrites(s.take())).toEqual(['BOTH old']);
  s.tick(T0 + BUFFER_DELAY_MS);
  expect(rewrites(s.take())).toEqual(['PROJECT recent']);
});

test('behaviour 136: requests arriving before LOAD are answered and kept, behind the saved rows', () => {
  const actor = createActor(secretaryMachine, { input: { concurrency: 10 } });
  const out: SecretaryEmitted[] = [];
  actor.on('*', (e) => out.push(e));
  actor.start();
  actor.send({ type: 'REQUEST', id: 1, msg: { verb: 'PROJECT', data: 'early' }, at: T0 });
  actor.send({ type: 'TICK', now: T0 + 10 * BUFFER_DELAY_MS }); // not loaded yet: nothing flushes
  expect(out.splice(0)).toEqual([{ type: 'answer', id: 1 }]);
  actor.send({ type: 'LOAD', rows: [['saved', new Date(T0 + 5), 'BOTH']] });
  expect(pendingRows(actor.getSnapshot().context)).toEqual([
    ['saved', new Date(T0 + 5), 'BOTH'],
    ['early', new Date(T0), 'PROJECT'],
  ]);
});

test('behaviour 136: the buffer is saved as SAVERWP rows, rewrites still in flight included; empty when idle', () => {
  const s = start({ concurrency: 1 });
  expect(pendingRows(s.actor.getSnapshot().context)).toEqual([]);
  s.request({ verb: 'BOTH', data: 'foo' }, T0);
  s.request({ verb: 'PROJECT', data: 'bar' }, T0 + 1);
  s.tick(T0 + BUFFER_DELAY_MS + 5);
  expect(rewrites(s.take())).toEqual(['BOTH foo']); // in flight, not yet confirmed
  expect(pendingRows(s.actor.getSnapshot().context)).toEqual([
    ['foo', new Date(T0), 'BOTH'],
    ['bar', new Date(T0 + 1), 'PROJECT'],
  ]);
  s.actor.send({ type: 'REWRITTEN', package: 'foo' });
  expect(rewrites(s.take())).toEqual(['PROJECT bar']); // due at the last tick: handed out at once
  s.actor.send({ type: 'REWRITTEN', package: 'bar' });
  expect(pendingRows(s.actor.getSnapshot().context)).toEqual([]);
});

test('at most `concurrency` rewrites are with the Scribe at once; completions hand out the next', () => {
  const s = start({ concurrency: 2 });
  for (const [i, p] of ['a', 'b', 'c', 'd', 'e'].entries()) s.request({ verb: 'PROJECT', data: p }, T0 + i);
  s.take();
  s.tick(T0 + BUFFER_DELAY_MS + 10);
  expect(rewrites(s.take())).toEqual(['PROJECT a', 'PROJECT b']);
  s.tick(T0 + BUFFER_DELAY_MS + 11);
  expect(s.take()).toEqual([]);
  s.actor.send({ type: 'REWRITTEN', package: 'b' });
  expect(rewrites(s.take())).toEqual(['PROJECT c']);
  s.actor.send({ type: 'REWRITTEN', package: 'unknown' }); // not in flight: changes nothing
  expect(s.take()).toEqual([]);
  expect(s.actor.getSnapshot().context.inFlight.map((r) => r.package)).toEqual(['a', 'c']);
});

test("piw-rebuild's REBUILD is answered at once and handed out at once, ahead of the buffer, within the concurrency", () => {
  const s = start({ concurrency: 2 });
  s.request({ verb: 'PROJECT', data: 'old' }, T0);
  s.request({ verb: 'BOTH', data: 'both' }, T0 + 1);
  s.take();
  s.tick(T0 + 2);
  const id = s.request({ verb: 'REBUILD', data: ['PROJECT', 'a'] }, T0 + 2);
  expect(s.take()).toEqual([{ type: 'answer', id }, { type: 'rewrite', msg: { verb: 'PROJECT', data: 'a' } }]);
  // a buffered package moves ahead, its command upgraded as ever; the rest wait for room
  s.request({ verb: 'REBUILD', data: ['PROJECT', 'both'] }, T0 + 3);
  s.request({ verb: 'REBUILD', data: ['BOTH', 'b'] }, T0 + 4);
  expect(rewrites(s.take())).toEqual(['BOTH both']);
  s.actor.send({ type: 'REWRITTEN', package: 'a' });
  expect(rewrites(s.take())).toEqual(['BOTH b']);
  s.actor.send({ type: 'REWRITTEN', package: 'both' });
  s.actor.send({ type: 'REWRITTEN', package: 'b' });
  expect(s.take()).toEqual([]); // the buffered one keeps its delay
  s.tick(T0 + BUFFER_DELAY_MS + 1);
  expect(rewrites(s.take())).toEqual(['PROJECT old']);
});

test('REBUILD is purged by a deletion, held while paused, and saved with the time it was asked for', () => {
  const s = start({ concurrency: 1 });
  s.actor.send({ type: 'PAUSE' });
  s.request({ verb: 'REBUILD', data: ['BOTH', 'foo'] }, T0);
  s.request({ verb: 'REBUILD', data: ['BOTH', 'gone'] }, T0 + 1);
  s.request({ verb: 'DELPKG', data: 'gone' }, T0 + 2);
  s.tick(T0 + 3);
  expect(rewrites(s.take())).toEqual([]);
  expect(pendingRows(s.actor.getSnapshot().context)).toEqual([['foo', new Date(T0), 'BOTH']]);
  s.actor.send({ type: 'RESUME' });
  s.tick(T0 + 4);
  expect(rewrites(s.take())).toEqual(['BOTH foo']);
});

test('behaviour 35: in dev mode the buffer delay is 3 s', () => {
  const s = start({ delayMs: DEV_BUFFER_DELAY_MS });
  s.request({ verb: 'BOTH', data: 'foo' }, T0);
  s.take();
  s.tick(T0 + 3_000);
  expect(s.take()).toEqual([]);
  s.tick(T0 + 3_001);
  expect(rewrites(s.take())).toEqual(['BOTH foo']);
});

test('behaviour 18: while paused requests are still answered and forwarded, but nothing is flushed', () => {
  const s = start({ concurrency: 1 });
  s.request({ verb: 'PROJECT', data: 'foo' }, T0);
  s.request({ verb: 'PROJECT', data: 'bar' }, T0);
  s.tick(T0 + BUFFER_DELAY_MS + 1);
  expect(rewrites(s.take())).toEqual(['PROJECT foo']);
  s.actor.send({ type: 'PAUSE' });
  const id = s.request({ verb: 'BOTH', data: 'baz' }, T0 + 1);
  const home = s.request({ verb: 'HOME', data: stats });
  s.actor.send({ type: 'REWRITTEN', package: 'foo' }); // completion while paused hands out nothing
  s.tick(T0 + 10 * BUFFER_DELAY_MS);
  expect(s.take()).toEqual([
    { type: 'answer', id },
    { type: 'forward', id: home, msg: { verb: 'HOME', data: stats } },
  ]);
  s.actor.send({ type: 'RESUME' });
  s.tick(T0 + 10 * BUFFER_DELAY_MS + 1);
  expect(rewrites(s.take())).toEqual(['PROJECT bar']);
});

test('generated paths reach every state and transition', () => {
  const pkgs = ['foo', 'bar'];
  const report = expectFullCoverage(secretaryMachine, {
    input: { concurrency: 1 },
    events: (): SecretaryEvent[] => [
      { type: 'LOAD', rows: [['foo', new Date(T0 - BUFFER_DELAY_MS * 2), 'PROJECT']] },
      ...pkgs.flatMap((p): SecretaryEvent[] => [
        { type: 'REQUEST', id: 1, msg: { verb: 'PROJECT', data: p }, at: T0 },
        { type: 'REQUEST', id: 2, msg: { verb: 'BOTH', data: p }, at: T0 },
        { type: 'REQUEST', id: 3, msg: { verb: 'DELPKG', data: p }, at: T0 },
        { type: 'REQUEST', id: 5, msg: { verb: 'REBUILD', data: ['BOTH', p] }, at: T0 },
        { type: 'REWRITTEN', package: p },
      ]),
      { type: 'REQUEST', id: 4, msg: { verb: 'SEARCH', data: {} }, at: T0 },
      { type: 'TICK', now: T0 + BUFFER_DELAY_MS + 1 },
      { type: 'PAUSE' },
      { type: 'RESUME' },
    ],
    serializeState: (snap) =>
      JSON.stringify([snap.value, snap.context.queue.entries(), snap.context.inFlight, snap.context.now]),
  });
  expect(report.unreachedStates).toEqual([]);
});
