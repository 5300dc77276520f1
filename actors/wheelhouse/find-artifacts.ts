/**
 * Where the artifacts of one project version are, from the sources `piw-wheelhouse fetch` was given:
 *
 * - a web page (http, https or a file:// page): its links. A `--find-links` page or a container's
 *   index.html links the files themselves; a PEP 503 index's root links project pages, and the one
 *   naming the project is followed; failing both, `<url>/<project>/` is tried, as pip would.
 * - a container (s3://bucket/prefix, a file:// directory, or a bare name with --provider): its listing,
 *   through the storage API (the original's wish: private artifacts need no public page), each file's
 *   SHA-256 from its object.
 *
 * Names are matched in PEP 503's form and versions as PEP 440 orders them.
 */
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { canonicalizeName } from '../../protocols/packaging/wheel-filename.js';
import type { Storage } from '../storage/storage.js';
import { isArtifactOf, parseArtifact } from './artifact.js';
import type { FileSource } from './download.js';
import { wheelhouseErrors } from './errors.js';
import { parseLinks, type PageLink } from './links.js';

export interface Candidate {
  filename: string;
  version: string;
  source: FileSource;
  hashes: Record<string, string>;
  size?: number;
  yanked: boolean;
}

export interface Found {
  candidates: Candidate[];
  /** Versions of the project seen that were not the one asked for. */
  otherVersions: string[];
}

/** A page's text and final address; undefined when it is not there (404, no such file). */
export async function readPage(url: string, signal?: AbortSignal): Promise<{ text: string; url: string } | undefined> {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') {
    try {
      return { text: await readFile(fileURLToPath(parsed), 'utf8'), url };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') return undefined;
      throw wheelhouseErrors.page(url, err);
    }
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw wheelhouseErrors.page(url, new Error('not an http(s) or file URL'));
  let res: Response;
  try {
    res = await fetch(parsed, { headers: { accept: 'text/html' }, signal: signal ?? AbortSignal.timeout(60_000) });
  } catch (err) {
    throw wheelhouseErrors.page(url, err);
  }
  if (res.status === 404) return undefined;
  if (!res.ok) throw wheelhouseErrors.page(url, new Error(`HTTP ${res.status} ${res.statusText}`));
  return { text: await res.text(), url: res.url || url };
}

/** True when a file:// URL names a directory (a container) rather than a page. */
export async function isDirectoryUrl(url: string): Promise<boolean> {
  if (!url.startsWith('file:')) return false;
  return (await stat(fileURLToPath(url)).catch(() => undefined))?.isDirectory() ?? false;
}

function collect(links: PageLink[], project: string, version: string | undefined, found: Found): number {
  let ofProject = 0;
  for (const link of links) {
    const artifact = parseArtifact(link.filename);
    if (artifact === undefined || !isArtifactOf(artifact, project, undefined)) continue;
    ofProject++;
    if (version !== undefined && !isArtifactOf(artifact, project, version)) {
      found.otherVersions.push(artifact.version);
      continue;
    }
    found.candidates.push({ filename: link.filename, version: artifact.version, source: { kind: 'url', url: link.url }, hashes: link.hashes, yanked: link.yanked });
  }
  return ofProject;
}

/** The artifacts of `project` (at `version`) linked from the page at `url`. */
export async function findOnPage(url: string, project: string, version: string | undefined, signal?: AbortSignal): Promise<Found> {
  const found: Found = { candidates: [], otherVersions: [] };
  const page = await readPage(url, signal);
  if (page === undefined) throw wheelhouseErrors.page(url, new Error('not found'));
  const links = parseLinks(page.text, page.url);
  if (collect(links, project, version, found) > 0) return found;
  // A PEP 503 root: follow the project's own page.
  const name = canonicalizeName(project);
  const projectLink = links.find((l) => canonicalizeName(l.text) === name);
  const next = projectLink?.url ?? new URL(`${encodeURIComponent(name)}/`, page.url.endsWith('/') ? page.url : `${page.url}/`).href;
  const projectPage = await readPage(next, signal);
  if (projectPage !== undefined) collect(parseLinks(projectPage.text, projectPage.url), project, version, found);
  return found;
}

/** The artifacts of `project` (at `version`) in a container, through its listing. */
export async function findInContainer(storage: Storage, project: string, version: string | undefined): Promise<Found> {
  const found: Found = { candidates: [], otherVersions: [] };
  for await (const object of storage.list()) {
    if (object.key.includes('/')) continue;
    const artifact = parseArtifact(object.key);
    if (artifact === undefined || !isArtifactOf(artifact, project, undefined)) continue;
    if (version !== undefined && !isArtifactOf(artifact, project, version)) {
      found.otherVersions.push(artifact.version);
      continue;
    }
    found.candidates.push({ filename: object.key, version: artifact.version, source: { kind: 'object', storage, key: object.key }, hashes: {}, size: object.size, yanked: false });
  }
  return found;
}
