/**
 * The runtime's typed errors (bus and supervisor), fastify-style: a stable `code` and a message that says
 * what happened; the original error, when there is one, rides along as `cause`.
 */
import { PiwError } from '../../protocols/errors.js';

export class BusError extends PiwError {
  constructor(code: BusErrorCode, message: string, readonly queue: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'BusError';
  }
}

export type BusErrorCode =
  | 'PIW_ERR_BUS_NO_SERVER'
  | 'PIW_ERR_BUS_ALREADY_SERVED'
  | 'PIW_ERR_BUS_ALREADY_LISTENED'
  | 'PIW_ERR_BUS_TIMEOUT'
  | 'PIW_ERR_BUS_ABORTED'
  | 'PIW_ERR_BUS_HANDLER'
  | 'PIW_ERR_BUS_BAD_REPLY'
  | 'PIW_ERR_BUS_SERVER_GONE'
  | 'PIW_ERR_BUS_CLOSED';

export const busErrors = {
  noServer: (queue: string) => new BusError('PIW_ERR_BUS_NO_SERVER', `no server on queue ${queue}`, queue),
  alreadyServed: (queue: string) =>
    new BusError('PIW_ERR_BUS_ALREADY_SERVED', `queue ${queue} already has a server`, queue),
  alreadyListened: (queue: string) =>
    new BusError('PIW_ERR_BUS_ALREADY_LISTENED', `queue ${queue} already has a listener`, queue),
  timeout: (queue: string, verb: string, ms: number) =>
    new BusError('PIW_ERR_BUS_TIMEOUT', `no reply to ${verb} on queue ${queue} within ${ms} ms`, queue),
  aborted: (queue: string, verb: string, reason: unknown) =>
    new BusError('PIW_ERR_BUS_ABORTED', `request ${verb} on queue ${queue} aborted`, queue, { cause: reason }),
  handler: (queue: string, verb: string, cause: unknown) =>
    new BusError('PIW_ERR_BUS_HANDLER', `server of queue ${queue} failed on ${verb}: ${describe(cause)}`, queue, { cause }),
  badReply: (queue: string, verb: string, cause: unknown) =>
    new BusError('PIW_ERR_BUS_BAD_REPLY', `invalid reply to ${verb} on queue ${queue}: ${describe(cause)}`, queue, { cause }),
  serverGone: (queue: string, verb: string) =>
    new BusError('PIW_ERR_BUS_SERVER_GONE', `server of queue ${queue} stopped before handling ${verb}`, queue),
  closed: (queue: string) => new BusError('PIW_ERR_BUS_CLOSED', `the bus is closed (queue ${queue})`, queue),
};

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
