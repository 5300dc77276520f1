/**
 * `npm run statecharts`: draws every machine of machines/catalogue.ts as SVG and Mermaid beside
 * its code (`machines/<folder>/<name>.svg`, `.mmd`), writes each folder's README.md, machines/README.md and
 * machines/actor-tree.svg (the master's actor tree), and removes pictures of machines no longer catalogued.
 * Only files whose content changed are written. spec/scripts/statecharts.test.ts fails while one is stale.
 */
import { unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../actors/support/atomic-file.js';
import { PiwError } from '../protocols/errors.js';
import { catalogue } from '../machines/catalogue.js';
import { compareWithDisk, statechartFiles } from './statecharts/pictures.js';

/** The repository's root, from this file's place in it (scripts/ or dist/scripts/). */
function repositoryRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, here.split('/').includes('dist') ? '../..' : '..');
}

async function main(): Promise<void> {
  const started = performance.now();
  const root = repositoryRoot();
  const files = await statechartFiles(catalogue);
  const { stale, orphans } = await compareWithDisk(root, files);
  for (const path of stale) await writeFileAtomic(join(root, path), files.get(path)!);
  for (const path of orphans) await unlink(join(root, path));
  for (const path of stale) console.log(`wrote ${path}`);
  for (const path of orphans) console.log(`removed ${path}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${catalogue.length} machines, ${files.size} files, ${stale.length} written, ${orphans.length} removed, in ${seconds} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main().catch((err: unknown) => {
    // A typed error (a machine without a description, two entries drawing one file) is the developer's to fix.
    console.error(err instanceof PiwError ? err.message : err);
    process.exitCode = 1;
  });
}
