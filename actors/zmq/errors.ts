/** Errors of the ZeroMQ adapters, with stable codes. */
import { defineErrors, PiwError } from '../../protocols/errors.js';

export class ZmqError extends PiwError {}

export const zmqErrors = defineErrors(ZmqError, {
  timeout: ['PIW_ERR_ZMQ_TIMEOUT', (address: string, verb: string, ms: number) => `no reply to ${verb} from ${address} within ${ms} ms`],
  closed: ['PIW_ERR_ZMQ_CLOSED', (address: string) => `the socket to ${address} is closed`],
  threadEnded: ['PIW_ERR_ZMQ_THREAD', (what: string) => `the file queue's thread ${what}`],
});
