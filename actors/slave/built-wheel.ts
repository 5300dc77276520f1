/** A wheel a build produced, as the slave reports it in BUILT (protocols/README.md §3.1; behaviours 193–194). */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { fileTags, parseWheelFilename } from '../../protocols/packaging/wheel-filename.js';
import type { FileStateWire } from '../../protocols/records.js';
import { wheelDependencies, type Dependencies, type DependencyOptions } from './dependencies.js';

export interface BuiltWheel {
  filename: string;
  /** Where it is until the build is cleaned up (the slave streams it from here on SEND). */
  path: string;
  size: number;
  /** SHA-256, lowercase hex. */
  hash: string;
  packageTag: string;
  packageVersionTag: string;
  pyVersionTag: string;
  abiTag: string;
  platformTag: string;
  dependencies: Dependencies;
}

/** SHA-256 of a file, read as a stream (wheels can be hundreds of MiB). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function describeWheel(path: string, options: DependencyOptions): Promise<BuiltWheel> {
  const filename = basename(path);
  const tags = fileTags(parseWheelFilename(filename));
  const [{ size }, hash, dependencies] = await Promise.all([stat(path), fileSha256(path), wheelDependencies(path, options)]);
  return { filename, path, size, hash, ...tags, dependencies };
}

/** The 9-field file state of the 0.18 wire. */
export function toFileStateWire(wheel: BuiltWheel): FileStateWire {
  return [
    wheel.filename,
    wheel.size,
    wheel.hash,
    wheel.packageTag,
    wheel.packageVersionTag,
    wheel.pyVersionTag,
    wheel.abiTag,
    wheel.platformTag,
    wheel.dependencies,
  ];
}
