/**
 * `piw-wheelhouse sync OUTPUT_DIR CONTAINER`: a piwheels master's output (its site and package index)
 * mirrored to a container, for a CDN or a static web site to serve.
 *
 * Only what changed is sent: a file the container has with the same size and not older than the local
 * one is taken as it is (as `aws s3 sync` does); otherwise its content is compared (MD5 with a
 * single-part ETag, else the stored SHA-256) and sent only if it differs, so pages the Scribe rewrote
 * unchanged cost a hash, not an upload. Order keeps every page's links whole at every moment: files that
 * are not pages first (wheels, static assets), then pages deepest first (`simple/<pkg>/index.html`
 * before `simple/index.html`), and deletions of what the output no longer has last of all.
 *
 * Object storage has no links: a symlink in the output (an armv6l twin of a wheel, a project alias
 * directory) is sent as a copy of what it points to, if that is inside the output; anything else, and
 * hidden names (temp files), are left out.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Logger } from '../runtime/logger.js';
import { fileSha256 } from '../slave/built-wheel.js';
import type { Storage, StoredObject } from '../storage/storage.js';
import { wheelhouseErrors } from './errors.js';
import { forEachLimit } from './pool.js';
import { silentTransfers, type TransferReporter, type TransferredFile } from './transfers.js';

export interface SyncOptions {
  storage: Storage;
  outputDir: string;
  log: Logger;
  maxWorkers?: number;
  /** Delete what the output no longer has (default true). */
  deleteRemoved?: boolean;
  /** Say what would be done, do nothing. */
  dryRun?: boolean;
  transfers?: TransferReporter;
}

export interface SyncSummary {
  container: string;
  uploaded: TransferredFile[];
  unchanged: number;
  deleted: string[];
  bytes: number;
  seconds: number;
  dryRun: boolean;
}

interface LocalFile {
  key: string;
  path: string;
  size: number;
  mtime: Date;
}

const PAGE = /\.(html|json|xml)$/;
const depth = (key: string) => key.split('/').length;

/** Every file of the output as key → local file, links followed inside the output only. */
export async function walkOutput(root: string, log: Logger): Promise<Map<string, LocalFile>> {
  let top: string;
  let directory: boolean;
  try {
    top = await realpath(root);
    directory = (await stat(top)).isDirectory();
  } catch (err) {
    throw wheelhouseErrors.local(`cannot read the output ${root}: ${(err as Error).message}`, err);
  }
  if (!directory) throw wheelhouseErrors.local(`cannot read the output ${root}: not a directory`);
  const files = new Map<string, LocalFile>();
  const inside = (real: string) => real === top || real.startsWith(top + sep);
  const walk = async (dir: string, base: string, chain: Set<string>): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      const key = base + entry.name;
      let real = path;
      if (entry.isSymbolicLink()) {
        real = await realpath(path).catch(() => '');
        if (real === '' || !inside(real)) {
          log.warn(`${key}: a link to outside the output (or to nothing); left out`);
          continue;
        }
      }
      const info = await stat(real).catch(() => undefined);
      if (info === undefined) continue;
      if (info.isDirectory()) {
        const realDir = await realpath(real);
        if (chain.has(realDir)) continue; // a link loop
        await walk(real, key + '/', new Set([...chain, realDir]));
      } else if (info.isFile()) {
        files.set(key, { key, path: real, size: info.size, mtime: info.mtime });
      }
    }
  };
  await walk(top, '', new Set([top]));
  return files;
}

async function md5Of(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** True when the container's copy is the local file's content. */
async function sameContent(storage: Storage, local: LocalFile, remote: StoredObject, sha256: () => Promise<string>): Promise<boolean> {
  if (remote.size !== local.size) return false;
  if (remote.modified.getTime() >= local.mtime.getTime()) return true;
  if (remote.etag !== undefined && /^[0-9a-f]{32}$/.test(remote.etag)) return (await md5Of(local.path)) === remote.etag;
  const stored = await storage.sha256Of(local.key);
  return stored !== undefined && stored === (await sha256());
}

export async function syncOutput(opts: SyncOptions): Promise<SyncSummary> {
  const { storage, log } = opts;
  const transfers = opts.transfers ?? silentTransfers;
  const dryRun = opts.dryRun ?? false;
  const local = await walkOutput(opts.outputDir, log);
  if (!dryRun) await storage.ensure();
  const remote = new Map<string, StoredObject>();
  for await (const object of storage.list()) remote.set(object.key, object);

  const changed: (LocalFile & { sha256: string })[] = [];
  let unchanged = 0;
  await forEachLimit([...local.values()], 8, async (file) => {
    let sha256: string | undefined;
    const hash = async () => (sha256 ??= await fileSha256(file.path));
    const there = remote.get(file.key);
    if (there !== undefined && (await sameContent(storage, file, there, hash))) {
      unchanged++;
      return;
    }
    changed.push({ ...file, sha256: await hash() });
  });
  // Files before the pages that link them; pages deepest first; then deletions.
  const isPage = (key: string) => PAGE.test(key);
  const assets = changed.filter((f) => !isPage(f.key)).sort((a, b) => (a.key < b.key ? -1 : 1));
  const pages = changed.filter((f) => isPage(f.key)).sort((a, b) => depth(b.key) - depth(a.key) || (a.key < b.key ? -1 : 1));
  const removed = opts.deleteRemoved === false ? [] : [...remote.keys()].filter((key) => !local.has(key)).sort();

  const started = performance.now();
  const uploaded: TransferredFile[] = [];
  const send = async (file: LocalFile & { sha256: string }) => {
    if (!dryRun) {
      transfers.start(file.key, file.size);
      await storage.put(file.key, { path: file.path }, { sha256: file.sha256, onProgress: (sent) => transfers.progress(file.key, sent) });
      transfers.finish(file.key);
    }
    log.info(`${dryRun ? 'would upload' : 'uploaded'} ${file.key}`);
    uploaded.push({ name: file.key, size: file.size, sha256: file.sha256 });
  };
  await forEachLimit(assets, opts.maxWorkers ?? 8, send);
  // Pages of one depth together, each depth only after the deeper ones are all there.
  for (const level of [...new Set(pages.map((p) => depth(p.key)))]) {
    await forEachLimit(pages.filter((p) => depth(p.key) === level), opts.maxWorkers ?? 8, send);
  }
  if (removed.length > 0) {
    if (!dryRun) await storage.delete(removed);
    for (const key of removed) log.info(`${dryRun ? 'would delete' : 'deleted'} ${key}`);
  }
  return {
    container: storage.url,
    uploaded: uploaded.sort((a, b) => (a.name < b.name ? -1 : 1)),
    unchanged,
    deleted: removed,
    bytes: uploaded.reduce((n, f) => n + f.size, 0),
    seconds: (performance.now() - started) / 1000,
    dryRun,
  };
}
