/**
 * `piw-wheelhouse upload`: every wheel and sdist of a local folder into a container, then the
 * container's index pages rebuilt (index-update.ts). A file already in the container with the same size
 * and SHA-256 is not sent again (unless `force`); each file goes with its SHA-256 stored beside it.
 */
import type { Logger } from '../runtime/logger.js';
import type { Templates } from '../scribe/templates.js';
import type { Storage, StoredObject } from '../storage/storage.js';
import { wheelhouseErrors } from './errors.js';
import { updateIndex, type IndexUpdateResult } from './index-update.js';
import { scanFolder } from './local-files.js';
import { forEachLimit } from './pool.js';
import { silentTransfers, type TransferReporter, type TransferredFile } from './transfers.js';

export interface UploadOptions {
  storage: Storage;
  templates: Templates;
  folder: string;
  log: Logger;
  /** Files sent at once (default 4, as the original). */
  maxWorkers?: number;
  /** Rebuild the index pages (default true). */
  updateIndex?: boolean;
  /** Send files even when the container already has them. */
  force?: boolean;
  transfers?: TransferReporter;
}

export interface UploadSummary {
  container: string;
  uploaded: TransferredFile[];
  /** Already there, same size and hash. */
  unchanged: TransferredFile[];
  bytes: number;
  seconds: number;
  index: IndexUpdateResult | null;
}

export async function uploadFolder(opts: UploadOptions): Promise<UploadSummary> {
  const { storage, log } = opts;
  const transfers = opts.transfers ?? silentTransfers;
  const files = await scanFolder(opts.folder, log);
  if (files.length === 0) throw wheelhouseErrors.local(`no wheels or sdists in ${opts.folder}`);
  await storage.ensure();
  const remote = new Map<string, StoredObject>();
  for await (const object of storage.list()) if (!object.key.includes('/')) remote.set(object.key, object);

  const started = performance.now();
  const uploaded: TransferredFile[] = [];
  const unchanged: TransferredFile[] = [];
  log.info(`uploading ${files.length} file${files.length === 1 ? '' : 's'} to ${storage.url}`);
  await forEachLimit(files, opts.maxWorkers ?? 4, async (file) => {
    const record = { name: file.filename, size: file.size, sha256: file.sha256 };
    const there = remote.get(file.filename);
    if (!opts.force && there?.size === file.size && (await storage.sha256Of(file.filename)) === file.sha256) {
      log.info(`${file.filename} is already there`);
      unchanged.push(record);
      return;
    }
    transfers.start(file.filename, file.size);
    await storage.put(file.filename, { path: file.path }, { sha256: file.sha256, onProgress: (sent) => transfers.progress(file.filename, sent) });
    transfers.finish(file.filename);
    log.info(`uploaded ${file.filename}`);
    uploaded.push(record);
  });
  const seconds = (performance.now() - started) / 1000;
  const byName = (a: TransferredFile, b: TransferredFile) => (a.name < b.name ? -1 : 1);
  const index =
    opts.updateIndex === false
      ? null
      : await updateIndex({ storage, templates: opts.templates, uploaded: new Map(files.map((f) => [f.filename, f.sha256])), log });
  return {
    container: storage.url,
    uploaded: uploaded.sort(byName),
    unchanged: unchanged.sort(byName),
    bytes: uploaded.reduce((n, f) => n + f.size, 0),
    seconds,
    index,
  };
}
