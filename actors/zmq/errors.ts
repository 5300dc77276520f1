/** Errors of the ZeroMQ adapters, with stable codes. */
import { PiwError } from '../../protocols/errors.js';

export type ZmqErrorCode = 'PIW_ERR_ZMQ_TIMEOUT' | 'PIW_ERR_ZMQ_CLOSED';

export class ZmqError extends PiwError {
  constructor(code: ZmqErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ZmqError';
  }
}

export const zmqErrors = {
  timeout: (address: string, verb: string, ms: number) =>
    new ZmqError('PIW_ERR_ZMQ_TIMEOUT', `no reply to ${verb} from ${address} within ${ms} ms`),
  closed: (address: string) => new ZmqError('PIW_ERR_ZMQ_CLOSED', `the socket to ${address} is closed`),
};
