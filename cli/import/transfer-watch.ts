/**
 * piw-import's watch over one file's transfer: the master asked for the file, and piw-import says HELLO on
 * the file queue until the master's first FETCH. If that never comes (the master's file queue is elsewhere:
 * a wrong --file-queue, a firewall), say so after a few seconds instead of waiting in silence, and give up
 * after `startTimeoutMs` with an error that names the address, rather than after the whole --timeout.
 */
import type { Logger } from '../../actors/runtime/logger.js';
import { toolErrors } from '../master-link/errors.js';

/** The first notice, then one every so often while nothing has come. */
export const TRANSFER_NOTICE_MS = 5000;
/** How long the master may take to start fetching a file it asked for. */
export const TRANSFER_START_TIMEOUT_MS = 30_000;

export interface TransferWatch {
  /** Aborts the transfer when it has not started in time (reason: the ToolError to report). */
  readonly signal: AbortSignal;
  /** The master sent its first FETCH. */
  started(): void;
  /** The transfer ended, one way or the other. */
  done(): void;
}

export function watchTransfer(opts: {
  filename: string;
  address: string;
  log: Logger;
  /** Undefined: never give up (--timeout 0 waits for ever). */
  startTimeoutMs: number | undefined;
  /** The conversation's own signal (the master gave up, Ctrl+C). */
  signal: AbortSignal;
}): TransferWatch {
  const controller = new AbortController();
  const stop = () => controller.abort(opts.signal.reason);
  opts.signal.addEventListener('abort', stop, { once: true });
  const since = Date.now();
  const notice = setInterval(() => {
    const waited = Math.round((Date.now() - since) / 1000);
    opts.log.warn(`waiting for the master to fetch ${opts.filename}: no answer from its file queue after ${waited} s (is --file-queue right?)`);
    opts.log.info(`saying HELLO to the file queue at ${opts.address}`);
  }, TRANSFER_NOTICE_MS);
  const limit = opts.startTimeoutMs;
  const giveUp = limit === undefined ? undefined : setTimeout(() => controller.abort(toolErrors.transferNotStarted(opts.filename, opts.address, limit / 1000)), limit);
  const quiet = () => {
    clearInterval(notice);
    clearTimeout(giveUp);
  };
  return {
    signal: controller.signal,
    started: quiet,
    done() {
      quiet();
      opts.signal.removeEventListener('abort', stop);
    },
  };
}
