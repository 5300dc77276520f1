/**
 * How the piw-* commands end: 0 on success; 2 for a bad option, configuration or a declined prompt
 * (argparse's convention, as piwheels 0.18); 1 for anything else that went wrong. Expected failures —
 * typed errors (PiwError) and database errors — print their message only; anything else prints its stack,
 * since it is a bug.
 */
import { defineError, PiwError } from '../../protocols/errors.js';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

/** A bad option, environment variable or configuration file. */
export const ConfigError = defineError('PIW_ERR_CONFIG', (message: string) => ({ message, exitCode: EXIT_USAGE }));

/** A failure the command reports and ends on, with the exit status it chooses. */
export const FatalError = defineError('PIW_ERR_FATAL', (message: string, exitCode: number = EXIT_ERROR) => ({ message, exitCode }));

/** Exit status and whether the error deserves its stack trace. */
export function classify(err: unknown): { exitCode: number; expected: boolean; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof PiwError) {
    const exitCode = (err as { exitCode?: unknown }).exitCode;
    return { exitCode: typeof exitCode === 'number' ? exitCode : EXIT_ERROR, expected: true, message };
  }
  // PostgreSQL's own errors (postgres.js PostgresError) carry a SQLSTATE and a message meant for people.
  if (err instanceof Error && err.name === 'PostgresError') return { exitCode: EXIT_ERROR, expected: true, message };
  return { exitCode: EXIT_ERROR, expected: false, message };
}
