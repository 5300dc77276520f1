/** Every statechart of machines/, by the name its drawing gets. */
import type { AnyStateMachine } from 'xstate';
import { farmMachine } from '../../machines/farm/index.js';
import { clientTransferMachine, masterTransferMachine } from '../../machines/file-transfer/index.js';
import { importSessionMachine, importToolMachine } from '../../machines/import-session/index.js';
import { secretaryMachine } from '../../machines/secretary/secretary-machine.js';
import { navigationMachine } from '../../machines/sense/navigation.js';
import { slaveClientMachine } from '../../machines/slave-client/index.js';
import { slaveSessionMachine } from '../../machines/slave-session/index.js';
import { sessionHostMachine } from '../../actors/runtime/session-host.js';

export function allMachines(): Record<string, AnyStateMachine> {
  return {
    'slave-session': slaveSessionMachine,
    'slave-client': slaveClientMachine,
    'file-transfer-master': masterTransferMachine,
    'file-transfer-client': clientTransferMachine,
    'import-session': importSessionMachine,
    'import-tool': importToolMachine,
    secretary: secretaryMachine,
    farm: farmMachine,
    'sense-navigation': navigationMachine,
    'session-host': sessionHostMachine,
  };
}
