/**
 * The distributions in a local folder (the `--local-folder` of an upload): regular files whose names are
 * wheels or sdists, each with its size and SHA-256. Hidden files are passed over silently (as the original
 * did), anything else with a warning; subfolders are not entered.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../runtime/logger.js';
import { fileSha256 } from '../slave/built-wheel.js';
import { parseArtifact, type Artifact } from './artifact.js';
import { wheelhouseErrors } from './errors.js';
import { forEachLimit } from './pool.js';

export interface LocalArtifact {
  path: string;
  filename: string;
  size: number;
  sha256: string;
  artifact: Artifact;
}

export async function scanFolder(folder: string, log: Logger): Promise<LocalArtifact[]> {
  let names: string[];
  try {
    names = (await readdir(folder)).sort();
  } catch (err) {
    throw wheelhouseErrors.local(`cannot read the folder ${folder}: ${(err as Error).message}`, err);
  }
  const found: Omit<LocalArtifact, 'sha256'>[] = [];
  for (const filename of names) {
    if (filename.startsWith('.')) continue;
    const path = join(folder, filename);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) continue;
    const artifact = parseArtifact(filename);
    if (artifact === undefined) {
      log.warn(`skipping ${filename}: not a wheel or an sdist`);
      continue;
    }
    found.push({ path, filename, size: info.size, artifact });
  }
  const hashed: LocalArtifact[] = found.map((f) => ({ ...f, sha256: '' }));
  await forEachLimit(hashed, 4, async (file) => {
    file.sha256 = await fileSha256(file.path);
  });
  return hashed;
}
