/**
 * The one unhandled rejection the master survives. postgres.js (3.4.9) starts every new connection with a
 * query of its own, for the server's array types (`fetch_types`), and keeps no hold of its promise
 * (porsager/postgres#1192, #1223): when the server goes away while a connection is starting (the second
 * of two quick restarts, a failover), that query's failure is an unhandled rejection, and Node ends the
 * process for it, taking every slave's build in progress with it. Every query of ours handles its own
 * failure (the Oracles try it again), so an unhandled rejection that only says the server is not there
 * is that one: it is logged, and the master carries on. Any other still ends the process, as by default.
 */
import { isTransientDbError } from '../../schema/transient.js';
import { describe } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';

/** Installs the handler; the returned function removes it. */
export function surviveDbClientRejections(log: Logger): () => void {
  const handler = (reason: unknown) => {
    // Thrown from the handler, any other reason is an uncaught exception: the process ends with status 1.
    if (!isTransientDbError(reason)) throw reason;
    log.warn(`the database client lost a connection it was opening (${describe(reason)}); carrying on`);
  };
  process.on('unhandledRejection', handler);
  return () => process.off('unhandledRejection', handler);
}
