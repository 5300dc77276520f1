/**
 * Mr Chase as a `pauseable` task (behaviour 17): while paused its requests wait, in order, until RESUME.
 */
import { createTask } from '../runtime/task.js';
import { MrChase, type MrChaseOptions } from './mr-chase.js';

export type MrChaseInput = Omit<MrChaseOptions, 'log' | 'paused' | 'whenRunning' | 'sessions'> & {
  /** Told the endpoint once the import socket is bound. */
  onListening?: (endpoint: string) => void;
};

export const mrChaseTask = createTask<MrChaseInput>({
  kind: 'pauseable',
  async start(ctx) {
    const { onListening, ...options } = ctx.input;
    const chase = await MrChase.start({ ...options, log: ctx.log, paused: ctx.paused, whenRunning: ctx.whenRunning, sessions: ctx.sessions });
    ctx.log.info(`listening for imports on ${chase.endpoint}`);
    onListening?.(chase.endpoint);
    return { stop: () => chase.stop() };
  },
});
