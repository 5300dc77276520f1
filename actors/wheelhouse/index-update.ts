/**
 * Rebuilding a container's index pages after an upload, safely against other uploaders doing the same
 * at the same time (several CI workers finishing together).
 *
 * The index is rebuilt from the container's listing, never edited: each round lists the container,
 * writes the pages for every file listed, then lists again. If the second listing holds a file the pages
 * just written lack (another worker uploaded meanwhile, and may have written its pages before ours), the
 * round is repeated. Why no entry is lost: take the worker whose page write came last; its final round
 * listed the container *after* that write and found every file in it; any file uploaded later would have
 * had its own uploader write the pages later still. So the pages last written hold every file uploaded
 * before them. This needs only read-after-write consistent listings (S3 since 2020, MinIO, Ceph, R2, a
 * local directory), no conditional writes, which many S3-compatible servers lack.
 *
 * Each round writes the project pages of this upload's projects (whoever wrote them last may have
 * listed before our files arrived) and of any project whose files differ from what the current root index
 * says, then `simple/index.html`, then `index.html` last: a page is written only after the pages and
 * files it links. Hashes come from this upload, from the current root index, and for other files from the
 * object itself (`sha256Of`), asked once.
 */
import type { Logger } from '../runtime/logger.js';
import type { Templates } from '../scribe/templates.js';
import type { Storage } from '../storage/storage.js';
import { parseArtifact } from './artifact.js';
import { wheelhouseErrors } from './errors.js';
import { artifactKeys, filesInIndex, projectIndexKey, renderIndexPages, ROOT_INDEX, SIMPLE_ROOT, type IndexEntry } from './index-pages.js';
import { forEachLimit } from './pool.js';

export interface IndexUpdateOptions {
  storage: Storage;
  templates: Templates;
  /** filename → SHA-256 of the files this run uploaded. */
  uploaded: ReadonlyMap<string, string>;
  log: Logger;
  /** Give up after this many rounds (default 10). */
  maxRounds?: number;
}

export interface IndexUpdateResult {
  /** Files the root index links. */
  files: number;
  rounds: number;
  /** Pages written, in order. */
  written: string[];
}

async function listArtifacts(storage: Storage): Promise<Set<string>> {
  const keys: string[] = [];
  for await (const object of storage.list()) keys.push(object.key);
  return new Set(artifactKeys(keys));
}

const projectOf = (filename: string) => parseArtifact(filename)!.project;

function filesByProject(files: Iterable<string>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const file of files) {
    const project = projectOf(file);
    map.set(project, [...(map.get(project) ?? []), file]);
  }
  for (const list of map.values()) list.sort();
  return map;
}

export async function updateIndex(opts: IndexUpdateOptions): Promise<IndexUpdateResult> {
  const { storage, templates, uploaded, log } = opts;
  const maxRounds = opts.maxRounds ?? 10;
  const ownProjects = new Set([...uploaded.keys()].map(projectOf));
  /** Hashes asked of the objects themselves, and files that have none. */
  const asked = new Map<string, string | undefined>();
  const written: string[] = [];
  let listed = await listArtifacts(storage);
  for (let round = 1; ; round++) {
    const indexed = filesInIndex(await storage.readText(ROOT_INDEX));
    const missing = [...listed].filter((f) => !uploaded.has(f) && indexed.get(f) === undefined && !asked.has(f));
    await forEachLimit(missing, 8, async (file) => {
      asked.set(file, await storage.sha256Of(file));
    });
    const entries: IndexEntry[] = [...listed].map((filename) => ({
      filename,
      sha256: uploaded.get(filename) ?? indexed.get(filename) ?? asked.get(filename),
    }));

    // The projects whose pages this round writes: ours, and any the current root index disagrees on.
    const before = filesByProject(indexed.keys());
    const projects = new Set(ownProjects);
    for (const [project, files] of filesByProject(listed)) {
      if (files.join('\n') !== (before.get(project) ?? []).join('\n')) projects.add(project);
    }
    const pages = renderIndexPages(templates, entries, projects);
    const order = [...[...projects].sort().map(projectIndexKey).filter((k) => pages.has(k)), SIMPLE_ROOT, ROOT_INDEX];
    await forEachLimit(order.slice(0, -2), 4, async (key) => {
      await storage.put(key, { body: pages.get(key)! });
    });
    for (const key of order.slice(-2)) await storage.put(key, { body: pages.get(key)! });
    written.push(...order);

    const after = await listArtifacts(storage);
    const newcomers = [...after].filter((f) => !listed.has(f));
    if (newcomers.length === 0) {
      log.info(`index.html lists ${listed.size} file${listed.size === 1 ? '' : 's'} (${round} round${round === 1 ? '' : 's'})`);
      return { files: listed.size, rounds: round, written };
    }
    if (round >= maxRounds) throw wheelhouseErrors.index(round);
    log.info(`${newcomers.length} file${newcomers.length === 1 ? '' : 's'} arrived while the index was written (${newcomers.slice(0, 3).join(', ')}${newcomers.length > 3 ? ', …' : ''}); writing it again`);
    listed = after;
  }
}
