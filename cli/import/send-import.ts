/**
 * One import, once its wheels are known and read: the IMPORT request as one build, each file the master
 * asks for sent over the file queue (with a progress line on a terminal). Shared by `piw-import FILES…`
 * and `piw-import --from URL`.
 */
import { sendFile } from '../../actors/file-sender/index.js';
import type { Logger } from '../../actors/runtime/logger.js';
import type { BuildStateWire } from '../../protocols/records.js';
import { ToolError } from '../master-link/errors.js';
import type { LocalWheel } from './local-wheel.js';
import { converse } from '../master-link/master-link.js';
import { progressFor, type MaybeTty } from './progress.js';
import { TRANSFER_START_TIMEOUT_MS, watchTransfer } from './transfer-watch.js';

export interface SendImportOptions {
  build: BuildStateWire;
  wheels: readonly LocalWheel[];
  importQueue: string;
  /** The file queue as the tool connects to it. */
  fileQueue: string;
  timeoutMs: number | undefined;
  log: Logger;
  stderr: MaybeTty;
  quiet: boolean;
}

export async function sendImport(opts: SendImportOptions): Promise<void> {
  const { log, timeoutMs } = opts;
  const byName = new Map(opts.wheels.map((w) => [w.filename, w]));
  await converse({
    address: opts.importQueue,
    timeoutMs,
    request: { verb: 'IMPORT', data: opts.build },
    what: 'import',
    log,
    transfer: async ({ filename }, signal) => {
      const wheel = byName.get(filename)!;
      log.info(`sending ${filename} to the file queue at ${opts.fileQueue}`);
      const progress = progressFor(opts.stderr, filename, wheel.size, { quiet: opts.quiet });
      const startTimeoutMs = timeoutMs === undefined ? undefined : Math.min(timeoutMs, TRANSFER_START_TIMEOUT_MS);
      const watch = watchTransfer({ filename, address: opts.fileQueue, log, startTimeoutMs, signal });
      try {
        await sendFile({
          address: opts.fileQueue,
          slaveId: 0,
          path: wheel.path,
          signal: watch.signal,
          log,
          ...(timeoutMs === undefined ? {} : { masterTimeoutMs: timeoutMs }),
          onProgress: (sent, total) => {
            watch.started();
            progress.update(sent, total);
          },
        });
      } catch (err) {
        throw watch.signal.reason instanceof ToolError ? watch.signal.reason : err;
      } finally {
        watch.done();
      }
      progress.finish();
    },
  });
}

/**
 * Sends the import once the user agrees: unless `yes`, `summary` is shown and `Proceed? [Y/n]` asked, and a
 * no sends nothing (false, "User aborted import" logged, as 0.18 did).
 */
export async function confirmAndSendImport(
  opts: SendImportOptions & { yes: boolean; summary: () => void; ask: (question: string) => Promise<boolean> },
): Promise<boolean> {
  if (!opts.yes) {
    opts.summary();
    if (!(await opts.ask('Proceed?'))) {
      opts.log.warn('User aborted import');
      return false;
    }
  }
  await sendImport(opts);
  return true;
}
