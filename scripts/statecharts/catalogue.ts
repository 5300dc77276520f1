/**
 * Every statechart that `npm run statecharts` draws, one line each: its drawing's name, its folder under
 * machines/ (where the pictures and README.md go), the machine, and where it runs (machines/README.md draws
 * the master's actor tree from that). The paragraph a README gives each machine is its own `description`.
 */
import type { AnyStateMachine } from 'xstate';
import type { TaskId } from '../../actors/master/tasks.js';
import { farmMachine } from '../../machines/farm/index.js';
import { clientTransferMachine, masterTransferMachine } from '../../machines/file-transfer/index.js';
import { importSessionMachine, importToolMachine } from '../../machines/import-session/index.js';
import { secretaryMachine } from '../../machines/secretary/secretary-machine.js';
import { navigationMachine } from '../../machines/sense/navigation.js';
import { slaveClientMachine } from '../../machines/slave-client/index.js';
import { slaveSessionMachine } from '../../machines/slave-session/index.js';

export type Part =
  /** The master's root actor. */
  | 'supervisor'
  /** What each of the master's tasks runs in. */
  | 'task'
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
