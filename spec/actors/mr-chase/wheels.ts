/**
 * Real wheels for the import tests: zip archives (the stand-in PyPI's writer) holding a package, a WHEEL
 * file and METADATA with the given Name and Version, plus their 0.18 file states.
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileTags, parseWheelFilename } from '../../../protocols/packaging/wheel-filename.js';
import type { FileStateWire } from '../../../protocols/records.js';
import { zipBuffer } from '../../../scripts/pypi-standin/zip-writer.js';

export interface TestWheel {
  filename: string;
  path: string;
  data: Buffer;
  size: number;
  hash: string;
  /** The file state an importer sends for it (no dependencies). */
  state: FileStateWire;
}

export interface WheelOptions {
  /** METADATA's Name (default: the filename's name part). */
  name?: string;
  /** METADATA's Version (default: the filename's version part). */
  version?: string;
  /** Bytes of incompressible payload inside (default 2 KiB). */
  payload?: number;
  /** Leave METADATA out. */
  noMetadata?: boolean;
  /** METADATA's Requires-Python. */
  requiresPython?: string;
  /** METADATA's Requires-Dist lines. */
  requiresDist?: string[];
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export function wheelBytes(filename: string, opts: WheelOptions = {}): Buffer {
  const wheel = parseWheelFilename(filename);
  const dist = `${wheel.distribution}-${wheel.version}`;
  const members = [
    { name: `${wheel.distribution}/__init__.py`, data: `# ${filename}\n` },
    { name: `${wheel.distribution}/payload.bin`, data: randomBytes(opts.payload ?? 2048) },
    { name: `${dist}.dist-info/WHEEL`, data: `Wheel-Version: 1.0\nGenerator: piwheels-tests\nRoot-Is-Purelib: false\nTag: ${wheel.pythonTag}-${wheel.abiTag}-${wheel.platformTag}\n` },
  ];
  if (!opts.noMetadata) {
    members.push({
      name: `${dist}.dist-info/METADATA`,
      data:
        `Metadata-Version: 2.1\nName: ${opts.name ?? wheel.distribution}\nVersion: ${opts.version ?? wheel.version}\nSummary: a test wheel\n` +
        (opts.requiresPython === undefined ? '' : `Requires-Python: ${opts.requiresPython}\n`) +
        (opts.requiresDist ?? []).map((d) => `Requires-Dist: ${d}\n`).join('') +
        `\nA long description.\nName: not-a-header\nRequires-Python: <0\n`,
    });
  }
  return zipBuffer(members);
}

export function fileStateOf(filename: string, data: Buffer, dependencies: Record<string, string[]> = {}): FileStateWire {
  const tags = fileTags(parseWheelFilename(filename));
  return [filename, data.length, sha256(data), tags.packageTag, tags.packageVersionTag, tags.pyVersionTag, tags.abiTag, tags.platformTag, dependencies];
}

/** Writes a wheel named `filename` into `dir`. */
export async function writeWheel(dir: string, filename: string, opts: WheelOptions = {}): Promise<TestWheel> {
  const data = wheelBytes(filename, opts);
  const path = join(dir, filename);
  await writeFile(path, data);
  return { filename, path, data, size: data.length, hash: sha256(data), state: fileStateOf(filename, data) };
}
