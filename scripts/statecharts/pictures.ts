/**
 * Everything `npm run statecharts` writes, computed in memory: for each catalogued machine its SVG and
 * Mermaid beside its code, each folder's README.md, machines/README.md and the actor tree's SVG. The
 * staleness test compares this with what is committed.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { drawChart } from '../../actors/chart-drawing/draw-chart.js';
import { drawTree } from '../../actors/chart-drawing/draw-tree.js';
import type { CatalogueEntry } from '../../machines/catalogue.js';
import { DuplicateChartError } from './errors.js';
import { masterTree } from './actor-tree.js';
import { ACTOR_TREE, type DrawnEntry, folderReadme, GENERATED, indexReadme } from './markdown.js';

/** Where the pictures go, relative to the repository's root. */
export const MACHINES_DIR = 'machines';

/** True for a file under machines/ this script owns: its pictures, and READMEs that carry its mark. */
export function isGenerated(name: string, content: string): boolean {
  if (name.endsWith('.svg') || name.endsWith('.mmd')) return true;
  return name.endsWith('README.md') && content.startsWith(GENERATED);
}

/** Relative path → content of every generated file. */
export async function statechartFiles(catalogue: CatalogueEntry[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const byFolder = new Map<string, DrawnEntry[]>();
  for (const entry of catalogue) {
    const svg = `${MACHINES_DIR}/${entry.folder}/${entry.name}.svg`;
    if (files.has(svg)) throw new DuplicateChartError(svg);
    const drawn = await drawChart(entry.machine);
    files.set(svg, drawn.svg);
    files.set(`${MACHINES_DIR}/${entry.folder}/${entry.name}.mmd`, drawn.mermaid);
    const list = byFolder.get(entry.folder) ?? [];
    list.push({ ...entry, mermaid: drawn.mermaid, everywhere: drawn.everywhere });
    byFolder.set(entry.folder, list);
  }
  for (const [folder, entries] of byFolder) files.set(`${MACHINES_DIR}/${folder}/README.md`, folderReadme(folder, entries));
  files.set(`${MACHINES_DIR}/${ACTOR_TREE}`, await drawTree("The master's actor tree", masterTree(catalogue)));
  files.set(`${MACHINES_DIR}/README.md`, indexReadme(catalogue));
  return files;
}

async function generatedOnDisk(root: string, dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) await generatedOnDisk(root, path, out);
    else if (/\.(svg|mmd)$|README\.md$/.test(entry.name) && isGenerated(path, await readFile(join(root, path), 'utf8'))) out.push(path);
  }
}

/** What differs on disk under `root`: files missing or out of date, and generated files no machine has now. */
export async function compareWithDisk(root: string, files: Map<string, string>): Promise<{ stale: string[]; orphans: string[] }> {
  const stale: string[] = [];
  for (const [path, content] of files) {
    const onDisk = await readFile(join(root, path), 'utf8').catch(() => undefined);
    if (onDisk !== content) stale.push(path);
  }
  const present: string[] = [];
  await generatedOnDisk(root, MACHINES_DIR, present);
  return { stale, orphans: present.filter((path) => !files.has(path)).sort() };
}
