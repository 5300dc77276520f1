/**
 * The master's process signals (behaviour 26): SIGTERM (systemd's stop) logs "shutting down on SIGTERM",
 * Ctrl+C (SIGINT) "shutting down on Ctrl+C"; both stop the master cleanly, tasks in reverse order. A second
 * signal while stopping means the operator will not wait: the process exits at once with status 1.
 */
import type { Logger } from '../runtime/logger.js';

const LINES = { SIGTERM: 'shutting down on SIGTERM', SIGINT: 'shutting down on Ctrl+C' } as const;

/** Installs the handlers; the returned function removes them. */
export function handleSignals(quit: (reason: string) => void, log: Logger, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let stopping = false;
  const handlers = (Object.keys(LINES) as (keyof typeof LINES)[]).map((signal) => {
    const handler = () => {
      if (stopping) {
        log.error(`${signal} while shutting down: exiting at once`);
        return exit(1);
      }
      stopping = true;
      log.warn(LINES[signal]);
      quit(signal);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}
