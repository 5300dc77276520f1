import { createActor, toPromise, waitFor, type AnyActorRef } from 'xstate';
import { createBus, type Bus } from '../../../actors/runtime/bus.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { queues } from '../../../actors/runtime/queues.js';
import { supervisorMachine, type SupervisedTask, type SupervisorInput } from '../../../actors/runtime/supervisor.js';
import { createTask, type TaskKind } from '../../../actors/runtime/task.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Waits, turn by turn, until `condition` holds (for states of children, which the root does not emit). */
async function eventually(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => setTimeout(resolve, 1));
}

/** A task that records when it starts and stops, and may be told to fail. */
function recordingTask(events: string[], opts: { kind?: TaskKind; startFails?: boolean; neverReady?: boolean } = {}) {
  return createTask({
    kind: opts.kind ?? 'nonstop',
    async start(ctx) {
      events.push(`start ${ctx.id}`);
      await turn();
      if (opts.startFails) throw new Error(`${ctx.id} cannot bind its socket`);
      if (opts.neverReady) await new Promise(() => {});
      return { stop: () => void events.push(`stop ${ctx.id}`) };
    },
  });
}

function run(input: SupervisorInput) {
  const actor = createActor(supervisorMachine, { input });
  actor.start();
  return actor;
}

/** A task of the root, by id (children are untyped: the task list is input). */
function child(actor: ReturnType<typeof run>, id: string): AnyActorRef | undefined {
  return (actor.getSnapshot().children as Record<string, AnyActorRef>)[id];
}

function messages(log: ReturnType<typeof memoryLogger>) {
  return log.entries.map((e) => `${e.name}: ${e.message}`);
}

describe('root supervisor', () => {
  test('behaviour 24: tasks start one at a time in order, each once the previous is ready, found by systemId', async () => {
    const log = memoryLogger('master');
    const events: string[] = [];
    let found: unknown;
    const tasks: SupervisedTask[] = [
      { id: 'seraph', logic: recordingTask(events), input: { log: log.child('seraph') } },
      {
        id: 'the_scribe',
        logic: createTask({
          kind: 'pauseable',
          start(ctx) {
            events.push(`start ${ctx.id}`);
            found = ctx.system.get('seraph');
          },
        }),
        input: { log: log.child('the_scribe') },
      },
      { id: 'slave_driver', logic: recordingTask(events), input: { log: log.child('slave_driver') } },
    ];
    const actor = run({ tasks, log });
    await waitFor(actor, (s) => s.matches('running'));
    expect(events).toEqual(['start seraph', 'start the_scribe', 'start slave_driver']);
    const lines = messages(log);
    expect(lines.indexOf('master: starting task the_scribe')).toBeGreaterThan(lines.indexOf('master: task seraph ready'));
    expect(lines.indexOf('master: starting task slave_driver')).toBeGreaterThan(lines.indexOf('master: task the_scribe ready'));
    expect(found).toBe(child(actor, 'seraph'));
    actor.send({ type: 'QUIT' });
    await expect(toPromise(actor)).resolves.toEqual({ failed: false, reason: 'QUIT received' });
  });

  test('with no tasks the root is running at once and QUIT stops it', async () => {
    const log = memoryLogger('master');
    const actor = run({ tasks: [], log });
    await waitFor(actor, (s) => s.matches('running'));
    actor.send({ type: 'QUIT' });
    await expect(toPromise(actor)).resolves.toEqual({ failed: false, reason: 'QUIT received' });
  });

  test('behaviours 13, 25: QUIT stops the tasks in reverse order, each logging "stopping" and "stopped"', async () => {
    const log = memoryLogger('master');
    const events: string[] = [];
    const ids = ['seraph', 'the_oracle_1', 'file_juggler', 'slave_driver'];
    const actor = run({ tasks: ids.map((id) => ({ id, logic: recordingTask(events), input: { log: log.child(id) } })), log });
    await waitFor(actor, (s) => s.matches('running'));
    actor.send({ type: 'QUIT', reason: 'QUIT on the control queue' });
    await expect(toPromise(actor)).resolves.toEqual({ failed: false, reason: 'QUIT on the control queue' });
    expect(events.filter((e) => e.startsWith('stop'))).toEqual([
      'stop slave_driver',
      'stop file_juggler',
      'stop the_oracle_1',
      'stop seraph',
    ]);
    const lines = messages(log);
    for (const id of ids) {
      expect(lines).toContain(`master.${id}: stopping`);
      expect(lines).toContain(`master.${id}: stopped`);
    }
    expect(Object.keys(actor.getSnapshot().children)).toEqual([]);
  });

  test('behaviour 24: a task not ready in time aborts start-up; tasks already started are stopped, later ones never start', async () => {
    const log = memoryLogger('master');
    const events: string[] = [];
    const actor = run({
      tasks: [
        { id: 'seraph', logic: recordingTask(events), input: { log } },
        { id: 'the_scribe', logic: recordingTask(events, { neverReady: true }), input: { log } },
        { id: 'cloud_gazer', logic: recordingTask(events), input: { log } },
      ],
      log,
      readyTimeoutMs: 30,
      stopTimeoutMs: 30,
    });
    const output = await toPromise(actor);
    expect(output).toEqual({ failed: true, reason: 'task the_scribe not ready within 30 ms' });
    expect(events).toEqual(['start seraph', 'start the_scribe', 'stop seraph']);
    expect(messages(log)).toEqual(
      expect.arrayContaining([
        'master: task the_scribe not ready within 30 ms; aborting start-up',
        'master: task the_scribe did not stop within 30 ms; stopping it outright',
      ]),
    );
  });

  test('a task whose start fails aborts start-up with the error, and the earlier tasks are stopped', async () => {
    const log = memoryLogger('master');
    const events: string[] = [];
    const actor = run({
      tasks: [
        { id: 'seraph', logic: recordingTask(events), input: { log } },
        { id: 'file_juggler', logic: recordingTask(events, { startFails: true }), input: { log } },
      ],
      log,
    });
    const output = await toPromise(actor);
    expect(output).toMatchObject({ failed: true, reason: 'task file_juggler failed to start' });
    expect(String(output.error)).toContain('file_juggler cannot bind its socket');
    expect(events).toEqual(['start seraph', 'start file_juggler', 'stop seraph']);
  });

  test('a crashed task is stopped, restarted after an exponential back-off, and the reason is logged with the error', async () => {
    const log = memoryLogger('master');
    const events: string[] = [];
    let runs = 0;
    const flaky = createTask({
      kind: 'pausing',
      start(ctx) {
        const run = ++runs;
        events.push(`start ${run}`);
        // The first two runs crash soon after start-up; the third stays up.
        if (run <= 2) setImmediate(() => ctx.fail(new Error(`lost the database (run ${run})`)));
        return { stop: () => void events.push(`stop ${run}`) };
      },
    });
    const actor = run({
      tasks: [{ id: 'big_brother', logic: flaky, input: { log } }],
      log,
      restart: { initialDelayMs: 5, factor: 3, maxCrashes: 5, windowMs: 60_000 },
    });
    await eventually(() => runs === 3 && messages(log).filter((l) => l === 'master: task big_brother ready').length === 3);
    expect(events).toEqual(['start 1', 'stop 1', 'start 2', 'stop 2', 'start 3']);
    const crashes = log.entries.filter((e) => e.message.startsWith('task big_brother crashed'));
    expect(crashes.map((e) => e.message)).toEqual([
      'task big_brother crashed: lost the database (run 1); restarting in 5 ms (1 of at most 5 crashes in 60000 ms)',
      'task big_brother crashed: lost the database (run 2); restarting in 15 ms (2 of at most 5 crashes in 60000 ms)',
    ]);
    expect(crashes[0]!.error).toEqual(new Error('lost the database (run 1)'));
    expect(actor.system.get('big_brother')).toBe(child(actor, 'big_brother'));
    actor.send({ type: 'QUIT' });
    await expect(toPromise(actor)).resolves.toMatchObject({ failed: false });
    expect(events.at(-1)).toBe('stop 3');
  });

  test('crashes counted in the window reset the back-off once they age out', async () => {
    const log = memoryLogger('master');
    let clock = 0;
    let runs = 0;
    const crashy = createTask({
      kind: 'nonstop',
      start(ctx) {
        if (++runs <= 3) setImmediate(() => ctx.fail(new Error('boom')));
        if (runs === 2) clock += 120_000; // the second crash happens long after the first
      },
    });
    const actor = run({
      tasks: [{ id: 'lumberjack', logic: crashy, input: { log } }],
      log,
      now: () => clock,
      restart: { initialDelayMs: 1, factor: 2, windowMs: 60_000 },
    });
    await eventually(() => messages(log).filter((l) => l === 'master: task lumberjack ready').length === 4);
    expect(log.entries.filter((e) => e.message.startsWith('task lumberjack crashed')).map((e) => e.message.split('; ')[1])).toEqual([
      'restarting in 1 ms (1 of at most 5 crashes in 60000 ms)',
      'restarting in 1 ms (1 of at most 5 crashes in 60000 ms)',
      'restarting in 2 ms (2 of at most 5 crashes in 60000 ms)',
    ]);
    actor.send({ type: 'QUIT' });
    await toPromise(actor);
  });

  test('a crash loop stops the whole master, the other tasks in reverse order', async () => {
    const log = memoryLogger('master');
    const events: string[] = [];
    const doomed = createTask({
      kind: 'pauseable',
      start(ctx) {
        events.push('start mr_chase');
        setImmediate(() => ctx.fail(new Error('corrupt import socket')));
      },
    });
    const actor = run({
      tasks: [
        { id: 'seraph', logic: recordingTask(events), input: { log } },
        { id: 'mr_chase', logic: doomed, input: { log } },
        { id: 'cloud_gazer', logic: recordingTask(events), input: { log } },
      ],
      log,
      restart: { initialDelayMs: 1, maxCrashes: 2 },
    });
    const output = await toPromise(actor);
    expect(output).toMatchObject({ failed: true, reason: 'more than 2 task crashes in 60000 ms' });
    expect(events.filter((e) => e === 'start mr_chase')).toHaveLength(3);
    expect(events.filter((e) => e.startsWith('stop'))).toEqual(['stop cloud_gazer', 'stop seraph']);
    expect(messages(log)).toContain(
      'master: task mr_chase crashed: corrupt import socket; more than 2 crashes in 60000 ms, stopping the master',
    );
  });

  test('a task that will not stop is stopped outright after the stop timeout, and shutdown goes on', async () => {
    const log = memoryLogger('master');
    const events: string[] = [];
    const stubborn = createTask({
      kind: 'nonstop',
      start: () => ({ stop: () => new Promise<void>(() => {}) }),
    });
    const actor = run({
      tasks: [
        { id: 'seraph', logic: recordingTask(events), input: { log } },
        { id: 'the_secretary', logic: stubborn, input: { log } },
      ],
      log,
      stopTimeoutMs: 20,
    });
    await waitFor(actor, (s) => s.matches('running'));
    actor.send({ type: 'QUIT' });
    await expect(toPromise(actor)).resolves.toMatchObject({ failed: false });
    expect(messages(log)).toContain('master: task the_secretary did not stop within 20 ms; stopping it outright');
    expect(events).toEqual(['start seraph', 'stop seraph']);
  });

  test('QUIT during start-up waits for the task being started, then stops what started', async () => {
    const log = memoryLogger('master');
    const events: string[] = [];
    let release!: () => void;
    const slow = createTask({
      kind: 'nonstop',
      async start(ctx) {
        events.push(`start ${ctx.id}`);
        await new Promise<void>((resolve) => (release = resolve));
        return { stop: () => void events.push(`stop ${ctx.id}`) };
      },
    });
    const actor = run({
      tasks: [
        { id: 'seraph', logic: recordingTask(events), input: { log } },
        { id: 'the_oracle_1', logic: slow, input: { log } },
        { id: 'the_oracle_2', logic: recordingTask(events), input: { log } },
      ],
      log,
    });
    await waitFor(actor, () => events.includes('start the_oracle_1'));
    actor.send({ type: 'QUIT', reason: 'shutting down on SIGTERM' });
    release();
    await expect(toPromise(actor)).resolves.toEqual({ failed: false, reason: 'shutting down on SIGTERM' });
    expect(events).toEqual(['start seraph', 'start the_oracle_1', 'stop the_oracle_1', 'stop seraph']);
  });
});

describe('task kinds under PAUSE / RESUME / QUIT', () => {
  /** A task serving the skip queue whose handler waits for `whenRunning` and reports the paused flag. */
  function servingTask(bus: Bus, kind: TaskKind, seen: string[]) {
    return createTask({
      kind,
      start(ctx) {
        const stopServing = bus.serve(queues.skip, async (msg) => {
          await ctx.whenRunning();
          seen.push(`${msg.data as string} paused=${ctx.paused()}`);
          return { verb: 'OK' };
        });
        return { stop: stopServing };
      },
    });
  }

  async function startOne(bus: Bus, kind: TaskKind, seen: string[]) {
    const log = memoryLogger('master');
    const actor = run({ tasks: [{ id: 'task', logic: servingTask(bus, kind, seen), input: { log: log.child('task') } }], log });
    await waitFor(actor, (s) => s.matches('running'));
    return { actor, log };
  }

  test('behaviour 17: a pauseable task does no work while paused, catches up on RESUME', async () => {
    const bus = createBus();
    const seen: string[] = [];
    const { actor, log } = await startOne(bus, 'pauseable', seen);
    actor.send({ type: 'PAUSE' });
    let replied = false;
    const reply = bus.request(queues.skip, { verb: 'DELPKG', data: 'numpy' }).then((r) => ((replied = true), r));
    for (let i = 0; i < 5; i++) await turn();
    expect(replied).toBe(false);
    expect(seen).toEqual([]);
    actor.send({ type: 'RESUME' });
    await expect(reply).resolves.toEqual({ verb: 'OK' });
    expect(seen).toEqual(['numpy paused=false']);
    expect(messages(log)).toEqual(expect.arrayContaining(['master: pausing every task', 'master.task: paused', 'master.task: resumed']));
    actor.send({ type: 'QUIT' });
    await toPromise(actor);
  });

  test('behaviour 17: QUIT while paused still terminates, and work waiting for RESUME is refused', async () => {
    const bus = createBus();
    const seen: string[] = [];
    const { actor } = await startOne(bus, 'pauseable', seen);
    actor.send({ type: 'PAUSE' });
    const reply = bus.request(queues.skip, { verb: 'DELPKG', data: 'numpy' });
    await turn();
    actor.send({ type: 'QUIT' });
    await expect(toPromise(actor)).resolves.toMatchObject({ failed: false });
    await expect(reply).rejects.toMatchObject({ code: 'PIW_ERR_BUS_HANDLER', cause: expect.objectContaining({ code: 'PIW_ERR_TASK_STOPPED' }) });
    expect(seen).toEqual([]);
    expect(bus.isServed(queues.skip)).toBe(false);
  });

  test('behaviour 18: a pausing task keeps servicing its queues and only raises its flag', async () => {
    const bus = createBus();
    const seen: string[] = [];
    const { actor } = await startOne(bus, 'pausing', seen);
    actor.send({ type: 'PAUSE' });
    await bus.request(queues.skip, { verb: 'DELPKG', data: 'numpy' });
    actor.send({ type: 'RESUME' });
    await bus.request(queues.skip, { verb: 'DELPKG', data: 'scipy' });
    expect(seen).toEqual(['numpy paused=true', 'scipy paused=false']);
    actor.send({ type: 'QUIT' });
    await toPromise(actor);
  });

  test('behaviour 19: a non-stop task logs PAUSE and RESUME and ignores them', async () => {
    const bus = createBus();
    const seen: string[] = [];
    const { actor, log } = await startOne(bus, 'nonstop', seen);
    actor.send({ type: 'PAUSE' });
    await bus.request(queues.skip, { verb: 'DELPKG', data: 'numpy' });
    actor.send({ type: 'RESUME' });
    expect(seen).toEqual(['numpy paused=false']);
    expect(messages(log)).toEqual(
      expect.arrayContaining(['master.task: ignoring PAUSE (this task never pauses)', 'master.task: ignoring RESUME (this task never pauses)']),
    );
    actor.send({ type: 'QUIT' });
    await toPromise(actor);
  });

  test('behaviour 20: RESUME when not paused logs a warning; repeated PAUSE/RESUME is harmless', async () => {
    const bus = createBus();
    const seen: string[] = [];
    const { actor, log } = await startOne(bus, 'pauseable', seen);
    actor.send({ type: 'RESUME' });
    expect(log.entries.find((e) => e.message === 'RESUME received while not paused')?.level).toBe('warning');
    actor.send({ type: 'PAUSE' });
    actor.send({ type: 'PAUSE' });
    actor.send({ type: 'RESUME' });
    actor.send({ type: 'RESUME' });
    await bus.request(queues.skip, { verb: 'DELPKG', data: 'numpy' });
    expect(seen).toEqual(['numpy paused=false']);
    actor.send({ type: 'QUIT' });
    await toPromise(actor);
  });

  test('PAUSE for one task reaches only that task; a task restarted while the master sleeps is paused again', async () => {
    const log = memoryLogger('master');
    let runs = 0;
    const flaky = createTask({
      kind: 'pausing',
      start() {
        runs++;
      },
    });
    const actor = run({
      tasks: [
        { id: 'a', logic: flaky, input: { log: log.child('a') } },
        { id: 'b', logic: createTask({ kind: 'pausing', start: () => {} }), input: { log: log.child('b') } },
      ],
      log,
      restart: { initialDelayMs: 1 },
    });
    await waitFor(actor, (s) => s.matches('running'));
    actor.send({ type: 'PAUSE', id: 'b' });
    await turn();
    expect(child(actor, 'b')!.getSnapshot().value).toBe('paused');
    expect(child(actor, 'a')!.getSnapshot().value).toBe('running');
    actor.send({ type: 'PAUSE' });
    child(actor, 'a')!.send({ type: 'task.fail', error: new Error('crash while asleep') });
    await eventually(() => runs === 2 && child(actor, 'a')?.getSnapshot().value === 'paused');
    actor.send({ type: 'RESUME' });
    expect(child(actor, 'a')!.getSnapshot().value).toBe('running');
    actor.send({ type: 'QUIT' });
    await toPromise(actor);
  });
});

describe('periodic jobs', () => {
  test('behaviour 15: a job runs at once, then again after its interval; force() runs it on the next turn (16)', async () => {
    let runs = 0;
    let periodic!: { force(): void };
    const log = memoryLogger('master');
    const actor = run({
      tasks: [
        {
          id: 'big_brother',
          logic: createTask({
            kind: 'pausing',
            start(ctx) {
              periodic = ctx.every(60_000, () => void runs++);
            },
          }),
          input: { log },
        },
      ],
      log,
    });
    await waitFor(actor, (s) => s.matches('running'));
    await turn();
    expect(runs).toBe(1);
    periodic.force();
    await turn();
    await turn();
    expect(runs).toBe(2);
    actor.send({ type: 'QUIT' });
    await toPromise(actor);
    periodic.force();
    await turn();
    expect(runs).toBe(2);
  });

  test('behaviour 16: forcing twice before the job runs runs it once', async () => {
    let runs = 0;
    let periodic!: { force(): void };
    const log = memoryLogger('master');
    const actor = run({
      tasks: [
        {
          id: 'big_brother',
          logic: createTask({
            kind: 'pausing',
            start(ctx) {
              periodic = ctx.every(60_000, () => void runs++);
            },
          }),
          input: { log },
        },
      ],
      log,
    });
    await waitFor(actor, (s) => s.matches('running'));
    await turn();
    expect(runs).toBe(1);
    periodic.force();
    periodic.force();
    for (let i = 0; i < 5; i++) await turn();
    expect(runs).toBe(2);
    actor.send({ type: 'QUIT' });
    await toPromise(actor);
  });

  test('behaviour 17: a paused pauseable task skips its periodic job until RESUME', async () => {
    let runs = 0;
    let periodic!: { force(): void };
    const log = memoryLogger('master');
    const actor = run({
      tasks: [
        {
          id: 'the_architect',
          logic: createTask({
            kind: 'pauseable',
            start(ctx) {
              periodic = ctx.every(60_000, () => void runs++);
            },
          }),
          input: { log },
        },
      ],
      log,
    });
    await waitFor(actor, (s) => s.matches('running'));
    await turn();
    expect(runs).toBe(1);
    actor.send({ type: 'PAUSE' });
    periodic.force();
    for (let i = 0; i < 5; i++) await turn();
    expect(runs).toBe(1);
    actor.send({ type: 'RESUME' });
    await turn();
    expect(runs).toBe(2);
    actor.send({ type: 'QUIT' });
    await toPromise(actor);
  });

  test('a periodic job that throws crashes its task', async () => {
    const log = memoryLogger('master');
    const actor = run({
      tasks: [
        {
          id: 'the_architect',
          logic: createTask({
            kind: 'pauseable',
            start(ctx) {
              ctx.every(60_000, () => {
                throw new Error('query failed');
              });
            },
          }),
          input: { log },
        },
      ],
      log,
      restart: { initialDelayMs: 1, maxCrashes: 0 },
    });
    await expect(toPromise(actor)).resolves.toMatchObject({ failed: true, error: new Error('query failed') });
  });
});
