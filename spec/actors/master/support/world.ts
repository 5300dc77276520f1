/**
 * What the task tests of the master share: a real database served on a bus by Seraph and the Oracles (as
 * the master does), tasks run under the root supervisor, temp directories and a configuration in one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createActor, toPromise, waitFor, type AnyActorLogic } from 'xstate';
import { defaultConfig, type MasterConfig } from '../../../../actors/master/index.js';
import { serveDatabase } from '../../../../actors/oracle/task.js';
import { createBus, type Bus } from '../../../../actors/runtime/bus.js';
import { memoryLogger, type LogEntry } from '../../../../actors/runtime/logger.js';
import { supervisorMachine, type SupervisorOutput } from '../../../../actors/runtime/supervisor.js';
import { openBackend, type Backend, type TestBackend } from '../../../support/postgres.js';

export interface DatabaseOnBus {
  backend: TestBackend;
  bus: Bus;
  close(): Promise<void>;
}

/** A fresh database of our schema on `kind`, answered on a new bus by three Oracles behind Seraph. */
export async function databaseOnBus(kind: Backend = 'postgres'): Promise<DatabaseOnBus> {
  const backend = await openBackend(kind);
  const bus = createBus();
  const served = serveDatabase({ bus, db: backend.db });
  return {
    backend,
    bus,
    async close() {
      await served.stop();
      bus.close();
      await backend.close();
    },
  };
}

export interface SupervisedTaskSpec {
  id: string;
  logic: AnyActorLogic;
  input: Record<string, unknown>;
}

const live = new Set<{ quit(): Promise<SupervisorOutput> }>();

/** Quits every supervisor `supervise` started that is still running (for afterEach: a failed test leaves none behind). */
export async function quitAll(): Promise<void> {
  await Promise.all([...live].map((run) => run.quit()));
}

/** Runs `tasks` under the root supervisor with an in-memory log; each task logs as `master.<id>`. */
export function supervise(tasks: SupervisedTaskSpec[]) {
  const log = memoryLogger('master');
  const root = createActor(supervisorMachine, {
    input: { log, tasks: tasks.map((t) => ({ id: t.id, logic: t.logic, input: { ...t.input, log: log.child(t.id) } })) },
  });
  root.start();
  const done = toPromise(root);
  const run = {
    root,
    log,
    /** Resolves once every task is ready; rejects when start-up failed. */
    async running(): Promise<void> {
      const snapshot = await waitFor(root, (s) => s.matches('running') || s.status === 'done');
      if (snapshot.status === 'done') throw new Error(`start-up failed: ${snapshot.output?.reason}`);
    },
    pause: () => root.send({ type: 'PAUSE' }),
    resume: () => root.send({ type: 'RESUME' }),
    /** QUIT, then the supervisor's output once every task stopped. */
    quit(): Promise<SupervisorOutput> {
      live.delete(run);
      root.send({ type: 'QUIT' });
      return done;
    },
    /** Log lines of logger `name` (e.g. `master.the_scribe`) at `level`. */
    lines(name: string, level?: LogEntry['level']): string[] {
      return log.entries.filter((e) => e.name === name && (level === undefined || e.level === level)).map((e) => e.message);
    },
  };
  live.add(run);
  return run;
}

export async function tempDir(prefix = 'piw-master-'): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A master's configuration with its ipc sockets in `root`, tcp queues on free ports and PyPI nowhere. */
export function configIn(root: string, over: Partial<MasterConfig> = {}): MasterConfig {
  const ipc = (name: string) => `ipc://${path.join(root, name)}`;
  return {
    ...defaultConfig(),
    outputPath: path.join(root, 'www'),
    pypiXmlrpc: 'http://127.0.0.1:9/pypi',
    pypiJson: 'http://127.0.0.1:9/pypi',
    queues: {
      status: ipc('status'),
      control: ipc('control'),
      import: ipc('import'),
      log: ipc('log'),
      slave: 'tcp://127.0.0.1:*',
      file: 'tcp://127.0.0.1:*',
    },
    ...over,
  };
}

/** Waits until `condition` holds (things that happen on other actors, in no set order). */
export async function eventually(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise<void>((resolve) => setTimeout(resolve, 5));
}
