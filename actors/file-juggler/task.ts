/**
 * The File Juggler as a `nonstop` task (behaviour 19: PAUSE and RESUME are logged and ignored, so
 * transfers in flight are never held up by a paused master).
 */
import { createTask } from '../runtime/task.js';
import { FileJuggler, type FileJugglerOptions } from './file-juggler.js';

export type FileJugglerInput = Omit<FileJugglerOptions, 'log' | 'sessions'> & {
  /** Told the endpoint once the file queue is bound (the real port for `tcp://…:*`). */
  onListening?: (endpoint: string) => void;
};

export const fileJugglerTask = createTask<FileJugglerInput>({
  kind: 'nonstop',
  async start(ctx) {
    const { onListening, ...options } = ctx.input;
    const juggler = await FileJuggler.start({ ...options, log: ctx.log, sessions: ctx.sessions });
    ctx.log.info(`listening for file transfers on ${juggler.endpoint}`);
    onListening?.(juggler.endpoint);
    return { stop: () => juggler.stop() };
  },
});
