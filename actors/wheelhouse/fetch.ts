/**
 * `piw-wheelhouse fetch`: every artifact of one project version from one or more sources (pages or
 * containers, find-artifacts.ts) into a local folder. A file already in the folder is kept when it is
 * intact (its hash is the one the source gives; with no hash to compare, its size, else it is trusted as
 * the original did); anything else is downloaded (download.ts), verified, and only then put in place.
 * The same file name from two sources is fetched once, from the first.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../runtime/logger.js';
import type { Storage } from '../storage/storage.js';
import { checkableHashes, downloadFile, hashFile, type Expected } from './download.js';
import { wheelhouseErrors } from './errors.js';
import { findInContainer, findOnPage, type Candidate } from './find-artifacts.js';
import { forEachLimit } from './pool.js';
import { silentTransfers, type TransferReporter, type TransferredFile } from './transfers.js';

/** A source: a page's URL, or a container opened for its listing. */
export type FetchSource = { kind: 'page'; url: string } | { kind: 'container'; storage: Storage };

export interface FetchOptions {
  project: string;
  version: string | undefined;
  sources: FetchSource[];
  folder: string;
  log: Logger;
  maxWorkers?: number;
  transfers?: TransferReporter;
  signal?: AbortSignal;
}

export interface FetchSummary {
  project: string;
  version: string | null;
  fetched: TransferredFile[];
  /** Already in the folder and intact. */
  unchanged: TransferredFile[];
  bytes: number;
  seconds: number;
}

const describeSource = (source: FetchSource) => (source.kind === 'page' ? source.url : source.storage.url);

/** Every candidate from every source, first source first, one per file name. */
export async function findArtifacts(opts: Pick<FetchOptions, 'project' | 'version' | 'sources' | 'log' | 'signal'>): Promise<Candidate[]> {
  const chosen = new Map<string, Candidate>();
  const others = new Set<string>();
  for (const source of opts.sources) {
    const found =
      source.kind === 'page'
        ? await findOnPage(source.url, opts.project, opts.version, opts.signal)
        : await findInContainer(source.storage, opts.project, opts.version);
    found.otherVersions.forEach((v) => others.add(v));
    opts.log.info(`${describeSource(source)}: ${found.candidates.length} file${found.candidates.length === 1 ? '' : 's'} of ${opts.project}${opts.version ? ` ${opts.version}` : ''}`);
    for (const candidate of found.candidates) {
      const earlier = chosen.get(candidate.filename);
      if (earlier === undefined) chosen.set(candidate.filename, candidate);
      else if (earlier.hashes.sha256 && candidate.hashes.sha256 && earlier.hashes.sha256 !== candidate.hashes.sha256) {
        opts.log.warn(`${candidate.filename} differs between sources; fetching the first`);
      }
    }
  }
  if (chosen.size === 0) {
    throw wheelhouseErrors.notFound(opts.project, opts.version, opts.sources.map(describeSource).join(', '), [...others].sort());
  }
  const candidates = [...chosen.values()].sort((a, b) => (a.filename < b.filename ? -1 : 1));
  for (const c of candidates) if (c.yanked) opts.log.warn(`${c.filename} is yanked`);
  return candidates;
}

/** What the source says the file must be: the index's hashes, or the object's stored SHA-256 and size. */
async function expectedOf(candidate: Candidate): Promise<Expected> {
  const hashes = { ...candidate.hashes };
  if (candidate.source.kind === 'object' && hashes.sha256 === undefined) {
    const sha256 = await candidate.source.storage.sha256Of(candidate.source.key);
    if (sha256 !== undefined) hashes.sha256 = sha256.toLowerCase();
  }
  return { hashes, size: candidate.size };
}

/** True when the local file is the one the source has, as far as can be told. */
async function intact(path: string, expected: Expected): Promise<boolean | 'unverified'> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile()) return false;
  if (expected.size !== undefined && info.size !== expected.size) return false;
  const algorithms = checkableHashes(expected);
  if (algorithms.length === 0) return expected.size === undefined ? 'unverified' : true;
  const got = await hashFile(path, algorithms);
  return algorithms.every((name) => got[name] === expected.hashes[name]);
}

export async function fetchArtifacts(opts: FetchOptions): Promise<FetchSummary> {
  return downloadArtifacts(await findArtifacts(opts), opts);
}

/** Downloads these candidates into the folder (verified, atomically), skipping intact ones. */
export async function downloadArtifacts(
  candidates: readonly Candidate[],
  opts: Pick<FetchOptions, 'project' | 'version' | 'folder' | 'log' | 'maxWorkers' | 'transfers' | 'signal'>,
): Promise<FetchSummary> {
  const { log } = opts;
  const transfers = opts.transfers ?? silentTransfers;
  try {
    await mkdir(opts.folder, { recursive: true });
  } catch (err) {
    throw wheelhouseErrors.local(`cannot create the folder ${opts.folder}: ${(err as Error).message}`, err);
  }
  const started = performance.now();
  const fetched: TransferredFile[] = [];
  const unchanged: TransferredFile[] = [];
  await forEachLimit(candidates, opts.maxWorkers ?? 4, async (candidate) => {
    const path = join(opts.folder, candidate.filename);
    const expected = await expectedOf(candidate);
    const already = await intact(path, expected);
    if (already !== false) {
      if (already === 'unverified') log.warn(`${candidate.filename} is already in ${opts.folder}; kept (no hash or size to check it against)`);
      else log.info(`${candidate.filename} is already in ${opts.folder}`);
      const size = (await stat(path)).size;
      unchanged.push({ name: candidate.filename, size, ...(expected.hashes.sha256 ? { sha256: expected.hashes.sha256 } : {}) });
      return;
    }
    transfers.start(candidate.filename, expected.size);
    const kept = await downloadFile({
      source: candidate.source,
      path,
      expected,
      name: candidate.filename,
      onProgress: (done, total) => transfers.progress(candidate.filename, done, total),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    transfers.finish(candidate.filename);
    log.info(`fetched ${candidate.filename}${checkableHashes(expected).length > 0 ? ' (verified)' : ''}`);
    fetched.push({ name: candidate.filename, size: kept.size, sha256: kept.sha256 });
  });
  const byName = (a: TransferredFile, b: TransferredFile) => (a.name < b.name ? -1 : 1);
  return {
    project: opts.project,
    version: opts.version ?? null,
    fetched: fetched.sort(byName),
    unchanged: unchanged.sort(byName),
    bytes: fetched.reduce((n, f) => n + f.size, 0),
    seconds: (performance.now() - started) / 1000,
  };
}
