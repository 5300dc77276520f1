/**
 * The charts of the master's tasks and of their parts live in the master's one actor system: started under
 * the root supervisor, each is a child of its task's host (`<task> / sessions / <chart>`), so the live view
 * (piw-master --inspect) lists it, and QUIT stops it with its task.
 */
import type { AnyActorRef } from 'xstate';
import { masterTasks } from '../../../actors/master/index.js';
import { liveActors } from '../../../actors/runtime/actor-tree.js';
import { createBus } from '../../../actors/runtime/bus.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { openBackend, type TestBackend } from '../../support/postgres.js';
import { configIn, quitAll, supervise, tempDir } from './support/world.js';

let backend: TestBackend;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  backend = await openBackend('postgres');
});
afterAll(async () => {
  await backend.close();
});
beforeEach(async () => {
  dir = await tempDir('piw-master-charts-');
});
afterEach(async () => {
  await quitAll();
  await dir.remove();
});

/** The machine id of an actor's logic (a provided machine keeps the id of the chart it was made from). */
const chartOf = (ref: AnyActorRef) => (ref as unknown as { logic: { id?: string } }).logic.id;

test("each task's own chart and its parts' charts are children of the task's host, and stop with it", async () => {
  const bus = createBus();
  const tasks = masterTasks(configIn(dir.path, { oracles: 2 }), { bus, database: backend.db, log: memoryLogger('master') });
  const run = supervise(tasks.map((t) => ({ ...t, input: t.input as Record<string, unknown> })));
  await run.running();
  const charts = new Map(
    liveActors(run.root)
      .filter((a) => a.path.length === 3 && a.path[1] === 'sessions')
      .map((a) => [a.path.join(' / '), { chart: chartOf(a.ref), ref: a.ref }]),
  );
  const expected: Record<string, string> = {
    'seraph / sessions / oracle:1': 'oracle',
    'seraph / sessions / oracle:2': 'oracle',
    'lumberjack / sessions / batching': 'lumberjack-batching',
    'the_scribe / sessions / write-scheduler': 'scribe',
    'the_secretary / sessions / secretary': 'secretary',
    'big_brother / sessions / bigBrother': 'bigBrother',
    'the_architect / sessions / architect-refresh': 'architect-refresh',
    'cloud_gazer / sessions / pypi-breaker:xmlrpc': 'pypi-circuit-breaker',
    'cloud_gazer / sessions / pypi-breaker:json': 'pypi-circuit-breaker',
    'cloud_gazer / sessions / cloud-gazer-poll': 'cloud-gazer-poll',
  };
  expect(Object.fromEntries([...charts].map(([where, { chart }]) => [where, chart]))).toEqual(expected);

  await expect(run.quit()).resolves.toMatchObject({ failed: false });
  expect(liveActors(run.root)).toEqual([]);
  // Stopped with its task (or, like the Architect's, ended when told the task is stopping).
  for (const [where, { ref }] of charts) expect([where, ref.getSnapshot().status]).not.toEqual([where, 'active']);
  bus.close();
});
