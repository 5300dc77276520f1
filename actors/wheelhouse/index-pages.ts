/**
 * The pages a wheelhouse container keeps beside its files, made from the list of files alone:
 *
 *   index.html                 every file, sorted, each linked with `#sha256=` when its hash is known: the
 *                              original's index (pip's `--find-links`, and `piw-wheelhouse fetch`)
 *   simple/index.html          every project (PEP 503 root)
 *   simple/<project>/index.html  that project's files (PEP 503 project page: `pip --index-url …/simple/`)
 *
 * Files sit at the container's root, so a project page links `../../<file>`. Pure, given the templates.
 */
import type { Templates } from '../scribe/templates.js';
import { parseArtifact } from './artifact.js';
import { parseLinks } from './links.js';

export interface IndexEntry {
  filename: string;
  /** Lowercase hex, when known. */
  sha256: string | undefined;
}

export const ROOT_INDEX = 'index.html';
export const SIMPLE_ROOT = 'simple/index.html';
export const projectIndexKey = (project: string) => `simple/${project}/index.html`;

/** True for a key the index pages own (so never listed as a file). */
export function isIndexKey(key: string): boolean {
  return key === ROOT_INDEX || key.startsWith('simple/');
}

/** The files a container's keys hold: objects at the root that are distributions. */
export function artifactKeys(keys: Iterable<string>): string[] {
  return [...keys].filter((key) => !key.includes('/') && parseArtifact(key) !== undefined);
}

const byName = (a: IndexEntry, b: IndexEntry) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0);

/** Every page for these files: key → HTML. `projects` limits the project pages made (default: all). */
export function renderIndexPages(templates: Templates, entries: readonly IndexEntry[], projects?: ReadonlySet<string>): Map<string, string> {
  const sorted = [...entries].sort(byName);
  const perProject = new Map<string, IndexEntry[]>();
  for (const entry of sorted) {
    const project = parseArtifact(entry.filename)!.project;
    let list = perProject.get(project);
    if (list === undefined) perProject.set(project, (list = []));
    list.push(entry);
  }
  const pages = new Map<string, string>();
  for (const [project, files] of perProject) {
    if (projects !== undefined && !projects.has(project)) continue;
    pages.set(projectIndexKey(project), templates.render('wheelhouse/links.html', { title: `Links for ${project}`, prefix: '../../', files }));
  }
  pages.set(SIMPLE_ROOT, templates.render('wheelhouse/projects.html', { projects: [...perProject.keys()].sort() }));
  pages.set(ROOT_INDEX, templates.render('wheelhouse/links.html', { title: 'Links', prefix: '', files: sorted }));
  return pages;
}

/** The files an existing root index links, each with the hash it gives (what a rebuild need not ask for again). */
export function filesInIndex(html: string | undefined): Map<string, string | undefined> {
  const files = new Map<string, string | undefined>();
  if (html === undefined) return files;
  const root = 'http://container.invalid/';
  for (const link of parseLinks(html, root)) {
    if (!link.url.startsWith(root) || link.url.slice(root.length).includes('/')) continue;
    if (parseArtifact(link.filename) !== undefined) files.set(link.filename, link.hashes.sha256);
  }
  return files;
}
