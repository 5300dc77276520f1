/**
 * The Slave Driver as a `pausing` task (behaviour 18): PAUSE only raises the flag its sessions read, so
 * slaves, deletions and queue refreshes keep being served while the master sleeps (IDLE → SLEEP true).
 */
import { createTask } from '../runtime/task.js';
import { SlaveDriver, type SlaveDriverOptions } from './slave-driver.js';

export type SlaveDriverInput = Omit<SlaveDriverOptions, 'log' | 'paused' | 'sessions'> & {
  /** Told the endpoint once the slave socket is bound (the real port for `tcp://…:*`). */
  onListening?: (endpoint: string) => void;
};

export const slaveDriverTask = createTask<SlaveDriverInput>({
  kind: 'pausing',
  async start(ctx) {
    const { onListening, ...options } = ctx.input;
    const driver = await SlaveDriver.start({ ...options, log: ctx.log, paused: ctx.paused, sessions: ctx.sessions });
    ctx.log.info(`listening for slaves on ${driver.endpoint}`);
    onListening?.(driver.endpoint);
    return { stop: () => driver.stop() };
  },
});
