/** Every statechart of machines/, by the name its drawing gets. */
import type { AnyStateMachine } from 'xstate';
import { bigBrotherMachine } from '../../machines/big-brother/index.js';
import { farmMachine } from '../../machines/farm/index.js';
import { clientTransferMachine, masterTransferMachine } from '../../machines/file-transfer/index.js';
import { importSessionMachine, importToolMachine } from '../../machines/import-session/index.js';
import { writeSchedulerMachine } from '../../machines/scribe/index.js';
import { secretaryMachine } from '../../machines/secretary/secretary-machine.js';
import { oracleMachine } from '../../machines/oracle/index.js';
import { navigationMachine } from '../../machines/sense/navigation.js';
import { slaveClientMachine } from '../../machines/slave-client/index.js';
import { slaveSessionMachine } from '../../machines/slave-session/index.js';
import { supervisorMachine } from '../../machines/supervisor/index.js';
import { taskMachine } from '../../machines/task/index.js';

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
    supervisor: supervisorMachine,
    task: taskMachine,
    oracle: oracleMachine,
    'big-brother': bigBrotherMachine,
    scribe: writeSchedulerMachine,
  };
}
