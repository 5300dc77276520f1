/**
 * The master's tasks in 0.18's start order (protocols/README.md §2.1): each starts once the one before it is
 * ready, and they stop in reverse, so a task only ever talks to tasks that are already up (and still up
 * while it stops: the Secretary saves its buffer through the Oracles, which stop last but one).
 *
 *   seraph          Seraph and the Oracles on the db queue (nonstop)
 *   lumberjack      --log-queue PULL → the access-log tables (pauseable)
 *   the_scribe      the scribe queue → the site's files (pauseable)
 *   the_secretary   the web queue, buffering rewrites for the Scribe (pausing)
 *   big_brother     statistics → status queue, HOME / SEARCH → web queue (pausing)
 *   file_juggler    --file-queue ROUTER and the fs queue (nonstop)
 *   slave_driver    --slave-queue ROUTER, builds / skip queues (pausing)
 *   mr_chase        --import-queue ROUTER (pauseable)
 *   the_architect   the build queue query → builds queue (pauseable)
 *   cloud_gazer     PyPI → the database (pauseable)
 *
 * Each logs as `master.<id>`, the names `--debug` patterns match.
 */
import type { Database } from '../../schema/database.js';
import { architectTask } from '../architect/architect.js';
import { bigBrotherTask } from '../big-brother/task.js';
import { cloudGazerTask } from '../cloud-gazer/task.js';
import { fileJugglerTask } from '../file-juggler/task.js';
import { DatabaseLogSink } from '../lumberjack/database-sink.js';
import { lumberjackTask } from '../lumberjack/lumberjack.js';
import { mrChaseTask } from '../mr-chase/task.js';
import { oracleTask } from '../oracle/task.js';
import type { Bus } from '../runtime/bus.js';
import type { Logger } from '../runtime/logger.js';
import type { SupervisedTask } from '../runtime/supervisor.js';
import { scribeTask } from '../scribe/task.js';
import { secretaryTask } from '../secretary/index.js';
import { slaveIdCounter } from '../slave-driver/slave-driver.js';
import { slaveDriverTask } from '../slave-driver/task.js';
import type { MasterConfig } from './config.js';

export const TASK_ORDER = [
  'seraph',
  'lumberjack',
  'the_scribe',
  'the_secretary',
  'big_brother',
  'file_juggler',
  'slave_driver',
  'mr_chase',
  'the_architect',
  'cloud_gazer',
] as const;

export type TaskId = (typeof TASK_ORDER)[number];

export interface TaskDeps {
  bus: Bus;
  database: Database;
  /** The master's logger; each task logs through its child `<id>`. */
  log: Logger;
  /** Told each socket's endpoint once bound (the real port of a `tcp://…:*` address). */
  onListening?: (task: 'slave_driver' | 'file_juggler' | 'mr_chase', endpoint: string) => void;
}

export function masterTasks(config: MasterConfig, deps: TaskDeps): SupervisedTask[] {
  const { bus, database, log } = deps;
  const listening = (task: 'slave_driver' | 'file_juggler' | 'mr_chase') => (endpoint: string) => deps.onListening?.(task, endpoint);
  const inputs: Record<TaskId, Record<string, unknown>> = {
    seraph: { bus, db: database, oracles: config.oracles },
    lumberjack: { sink: new DatabaseLogSink(database), address: config.queues.log },
    the_scribe: { bus, output: config.outputPath, ...(config.siteUrl === undefined ? {} : { site: { url: config.siteUrl } }) },
    the_secretary: { bus, delayMs: config.rewriteDelayMs },
    big_brother: { bus },
    file_juggler: { bus, output: config.outputPath, address: config.queues.file, maxFileSize: config.maxFileSize, onListening: listening('file_juggler') },
    slave_driver: {
      bus,
      address: config.queues.slave,
      pypiSimpleUrl: config.pypiSimple,
      maxFileSize: config.maxFileSize,
      // One counter per master run: a restarted Slave Driver never hands out an id twice.
      slaveIds: slaveIdCounter(),
      onListening: listening('slave_driver'),
    },
    mr_chase: { bus, address: config.queues.import, onListening: listening('mr_chase') },
    the_architect: { bus, buildQueue: (limit: number, signal: AbortSignal) => database.getBuildQueue(limit, { signal }) },
    cloud_gazer: {
      bus,
      pypiXmlrpc: config.pypiXmlrpc,
      pypiJson: config.pypiJson,
      devMode: config.devMode,
      buffer: { holdSeconds: config.pypiHoldSeconds },
    },
  };
  const logic = {
    seraph: oracleTask,
    lumberjack: lumberjackTask,
    the_scribe: scribeTask,
    the_secretary: secretaryTask,
    big_brother: bigBrotherTask,
    file_juggler: fileJugglerTask,
    slave_driver: slaveDriverTask,
    mr_chase: mrChaseTask,
    the_architect: architectTask,
    cloud_gazer: cloudGazerTask,
  };
  return TASK_ORDER.map((id) => ({ id, logic: logic[id], input: { ...inputs[id], log: log.child(id) } }));
}
