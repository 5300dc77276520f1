/**
 * piw-master and piw-slave refuse to run as root (behaviours 22 and 181): the master writes the public
 * site and the slave runs build scripts straight from PyPI. Throw-away machines that run everything as
 * root — CI containers, a demo in one — set the environment variable PIW_ALLOW_ROOT=1 to go on anyway
 * (with a warning). It is an environment variable rather than an option so that it never ends up in a
 * configuration file shared with real deployments.
 */
import type { Logger } from '../../actors/runtime/logger.js';
import { defineError } from '../../protocols/errors.js';
import { EXIT_ERROR } from './errors.js';

export const ALLOW_ROOT_ENV = 'PIW_ALLOW_ROOT';

/** Exit status 1. */
export const RootRefusedError = defineError('PIW_ERR_ROOT', (who: string) => ({
  message: `${who} must not be run as root; run it as an unprivileged user (or set ${ALLOW_ROOT_ENV}=1 on a throw-away machine)`,
  exitCode: EXIT_ERROR,
}));

const ALLOWED = new Set(['1', 'yes', 'true', 'on']);

/** Throws RootRefusedError for uid 0 unless PIW_ALLOW_ROOT allows it. `who`: "Master", "Slave". */
export function refuseRoot(who: string, opts: { uid?: number; env?: NodeJS.ProcessEnv; log?: Logger } = {}): void {
  const uid = opts.uid ?? process.geteuid?.() ?? -1;
  if (uid !== 0) return;
  if (!ALLOWED.has((opts.env ?? process.env)[ALLOW_ROOT_ENV]?.toLowerCase() ?? '')) throw new RootRefusedError(who);
  opts.log?.warn(`running as root because ${ALLOW_ROOT_ENV} is set: builds and files are not protected from each other`);
}
