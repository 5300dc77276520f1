/**
 * The root supervisor of a process, as the master and the tests start it: the chart of
 * machines/supervisor with its services supplied — lines logged to `input.log` (a logger named `master`
 * when there is none) and crash windows measured with `Date.now` unless the input brings a clock.
 */
import { createSupervisorMachine, type SupervisorInput as MachineInput } from '../../machines/supervisor/index.js';
import { createLogger, logAt, type Logger } from './logger.js';

export {
  DEFAULT_RESTART_POLICY,
  type RestartPolicy,
  type SupervisedTask,
  type SupervisorEvent,
  type SupervisorOutput,
} from '../../machines/supervisor/index.js';

export interface SupervisorInput extends MachineInput {
  log?: Logger;
}

const fallback = createLogger('master');

export const supervisorMachine = createSupervisorMachine(Date.now).provide({
  actions: {
    log: ({ context }, line) => logAt((context.logTo as Logger | undefined) ?? fallback, line.level, line.message, line.error),
  },
});
