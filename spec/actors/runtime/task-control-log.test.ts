/**
 * Behaviour 33's log line: every task logs each control message it receives at debug level, as 0.18's
 * `<< QUIT None`, under its own logger (so `--debug master.the_scribe` shows the Scribe's).
 */
import { createActor, toPromise } from 'xstate';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { supervisorMachine } from '../../../actors/runtime/supervisor.js';
import { createTask, type TaskKind } from '../../../actors/runtime/task.js';

test.each<TaskKind>(['pauseable', 'pausing', 'nonstop'])('a %s task logs PAUSE, RESUME and QUIT as "<< VERB None" at debug level', async (kind) => {
  const log = memoryLogger('master');
  const task = createTask({ kind, start: () => undefined });
  const root = createActor(supervisorMachine, { input: { log, tasks: [{ id: 'the_task', logic: task, input: { log: log.child('the_task') } }] } });
  root.start();
  const done = toPromise(root);
  const debug = () => log.entries.filter((e) => e.name === 'master.the_task' && e.level === 'debug').map((e) => e.message);
  while (!root.getSnapshot().matches('running')) await new Promise((r) => setTimeout(r, 1));
  root.send({ type: 'PAUSE' });
  root.send({ type: 'RESUME' });
  root.send({ type: 'QUIT' });
  await done;
  expect(debug().filter((m) => m.startsWith('<<'))).toEqual(['<< PAUSE None', '<< RESUME None', '<< QUIT None']);
});
