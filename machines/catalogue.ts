/**
 * Every statechart that `npm run statecharts` draws, one line each: its drawing's name, its folder under
 * machines/ (where the pictures and README.md go), the machine, and where it runs (machines/README.md draws
 * the master's actor tree from that). The paragraph a README gives each machine is its own `description`.
 */
import type { AnyStateMachine } from 'xstate';
import type { TaskId } from '../actors/master/tasks.js';
import { architectRefreshMachine } from './architect/index.js';
import { bigBrotherMachine } from './big-brother/index.js';
import { circuitBreakerMachine, pollCycleMachine } from './cloud-gazer/index.js';
import { farmMachine } from './farm/index.js';
import { clientTransferMachine, masterTransferMachine } from './file-transfer/index.js';
import { importSessionMachine, importToolMachine } from './import-session/index.js';
import { batchingMachine } from './lumberjack/index.js';
import { oracleMachine } from './oracle/index.js';
import { writeSchedulerMachine } from './scribe/index.js';
import { secretaryMachine } from './secretary/secretary-machine.js';
import { navigationMachine } from './sense/navigation.js';
import { slaveClientMachine } from './slave-client/index.js';
import { sessionHostMachine } from './session-host/index.js';
import { slaveSessionMachine } from './slave-session/index.js';
import { supervisorMachine } from './supervisor/index.js';
import { taskMachine } from './task/index.js';

export type Part =
  /** The master's root actor. */
  | 'supervisor'
  /** What each of the master's tasks runs in. */
  | 'task'
  /** What each task's peer sessions are spawned under. */
  | 'sessions'
  /** A task's own logic. */
  | { task: TaskId }
  /** A peer's session, spawned by its task, one per connected peer. */
  | { sessionOf: TaskId }
  /** A machine of other commands. */
  | { commands: string[] };

export interface CatalogueEntry {
  name: string;
  folder: string;
  machine: AnyStateMachine;
  part: Part;
}

export const catalogue: CatalogueEntry[] = [
  { name: 'supervisor', folder: 'supervisor', machine: supervisorMachine, part: 'supervisor' },
  { name: 'task', folder: 'task', machine: taskMachine, part: 'task' },
  { name: 'session-host', folder: 'session-host', machine: sessionHostMachine, part: 'sessions' },
  { name: 'oracle', folder: 'oracle', machine: oracleMachine, part: { task: 'seraph' } },
  { name: 'lumberjack-batching', folder: 'lumberjack', machine: batchingMachine, part: { task: 'lumberjack' } },
  { name: 'scribe', folder: 'scribe', machine: writeSchedulerMachine, part: { task: 'the_scribe' } },
  { name: 'big-brother', folder: 'big-brother', machine: bigBrotherMachine, part: { task: 'big_brother' } },
  { name: 'architect-refresh', folder: 'architect', machine: architectRefreshMachine, part: { task: 'the_architect' } },
  { name: 'cloud-gazer-poll', folder: 'cloud-gazer', machine: pollCycleMachine, part: { task: 'cloud_gazer' } },
  { name: 'pypi-circuit-breaker', folder: 'cloud-gazer', machine: circuitBreakerMachine, part: { task: 'cloud_gazer' } },
  { name: 'slave-session', folder: 'slave-session', machine: slaveSessionMachine, part: { sessionOf: 'slave_driver' } },
  { name: 'file-transfer-master', folder: 'file-transfer', machine: masterTransferMachine, part: { sessionOf: 'file_juggler' } },
  { name: 'import-session', folder: 'import-session', machine: importSessionMachine, part: { sessionOf: 'mr_chase' } },
  { name: 'secretary', folder: 'secretary', machine: secretaryMachine, part: { task: 'the_secretary' } },
  { name: 'slave-client', folder: 'slave-client', machine: slaveClientMachine, part: { commands: ['piw-slave'] } },
  { name: 'file-transfer-client', folder: 'file-transfer', machine: clientTransferMachine, part: { commands: ['piw-slave', 'piw-import'] } },
  { name: 'import-tool', folder: 'import-session', machine: importToolMachine, part: { commands: ['piw-import', 'piw-remove', 'piw-rebuild', 'piw-add'] } },
  { name: 'farm', folder: 'farm', machine: farmMachine, part: { commands: ['piw-monitor', 'piw-sense'] } },
  { name: 'sense-navigation', folder: 'sense', machine: navigationMachine, part: { commands: ['piw-sense'] } },
];
