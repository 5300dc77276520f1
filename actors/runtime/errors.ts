/**
 * The runtime's typed errors (bus and supervisor), fastify-style: a stable `code` and a message that says
 * what happened; the original error, when there is one, rides along as `cause`, and `queue` names the
 * queue.
 */
import { defineErrors, messageOf, PiwError } from '../../protocols/errors.js';

export class BusError extends PiwError {}

export const busErrors = defineErrors(BusError, {
  noServer: ['PIW_ERR_BUS_NO_SERVER', (queue: string) => ({ message: `no server on queue ${queue}`, queue })],
  alreadyServed: ['PIW_ERR_BUS_ALREADY_SERVED', (queue: string) => ({ message: `queue ${queue} already has a server`, queue })],
  alreadyListened: ['PIW_ERR_BUS_ALREADY_LISTENED', (queue: string) => ({ message: `queue ${queue} already has a listener`, queue })],
  timeout: [
    'PIW_ERR_BUS_TIMEOUT',
    (queue: string, verb: string, ms: number) => ({ message: `no reply to ${verb} on queue ${queue} within ${ms} ms`, queue }),
  ],
  aborted: [
    'PIW_ERR_BUS_ABORTED',
    (queue: string, verb: string, reason: unknown) => ({ message: `request ${verb} on queue ${queue} aborted`, queue, cause: reason }),
  ],
  handler: [
    'PIW_ERR_BUS_HANDLER',
    (queue: string, verb: string, cause: unknown) => ({ message: `server of queue ${queue} failed on ${verb}: ${messageOf(cause)}`, queue, cause }),
  ],
  badReply: [
    'PIW_ERR_BUS_BAD_REPLY',
    (queue: string, verb: string, cause: unknown) => ({ message: `invalid reply to ${verb} on queue ${queue}: ${messageOf(cause)}`, queue, cause }),
  ],
  serverGone: [
    'PIW_ERR_BUS_SERVER_GONE',
    (queue: string, verb: string) => ({ message: `server of queue ${queue} stopped before handling ${verb}`, queue }),
  ],
  closed: ['PIW_ERR_BUS_CLOSED', (queue: string) => ({ message: `the bus is closed (queue ${queue})`, queue })],
});

/** An error's message, for log lines (the tasks' name for messageOf). */
export { messageOf as describe } from '../../protocols/errors.js';
