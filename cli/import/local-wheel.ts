/**
 * A wheel piw-import was given: its name checked (PEP 427: a plain file name, escaped name parts), its size
 * and SHA-256 computed here, its tags from the name (`noabi` → `none`), and the Name and Version of its
 * METADATA, which say what the wheel is when its file name has been escaped or mangled.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileSha256 } from '../../actors/slave/built-wheel.js';
import { ZipReader } from '../../actors/slave/zip-reader.js';
import { fileTags, parseWheelFilename, type WheelFilename } from '../../machines/wheel-filename.js';
import type { FileStateWire } from '../../protocols/records.js';
import { toolErrors } from './errors.js';

export interface LocalWheel {
  path: string;
  filename: string;
  size: number;
  /** SHA-256, lowercase hex. */
  hash: string;
  wheel: WheelFilename;
  /** Name and Version from METADATA; undefined when the wheel has none. */
  metadata: { name: string; version: string } | undefined;
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function readLocalWheel(path: string): Promise<LocalWheel> {
  const filename = basename(path);
  let wheel: WheelFilename;
  try {
    wheel = parseWheelFilename(filename);
  } catch (err) {
    throw toolErrors.input(`${path} is not a wheel: ${describe(err)}`, err);
  }
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    size = info.size;
  } catch (err) {
    throw toolErrors.input(`cannot read ${path}: ${describe(err)}`, err);
  }
  let zip: ZipReader;
  try {
    zip = await ZipReader.open(path);
  } catch (err) {
    throw toolErrors.input(`${path} is not a wheel: ${describe(err)}`, err);
  }
  let metadata: LocalWheel['metadata'];
  try {
    const wanted = `${wheel.distribution}-${wheel.version}.dist-info/METADATA`;
    const candidates = zip.entries.filter((e) => /^[^/]+\.dist-info\/METADATA$/.test(e.name));
    const entry = candidates.find((e) => e.name === wanted) ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (entry !== undefined) metadata = parseMetadata((await zip.read(entry)).toString('utf8'));
  } catch (err) {
    throw toolErrors.input(`${path} is not a wheel: ${describe(err)}`, err);
  } finally {
    await zip.close();
  }
  const hash = await fileSha256(path);
  return { path, filename, size, hash, wheel, metadata };
}

/** Name and Version from a METADATA file's headers (RFC 822 style: they end at the first blank line). */
export function parseMetadata(text: string): LocalWheel['metadata'] {
  const headers = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0 || /^\s/.test(line)) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(key)) headers.set(key, line.slice(colon + 1).trim());
  }
  const name = headers.get('name');
  const version = headers.get('version');
  return name && version ? { name, version } : undefined;
}

/** The 0.18 file state of a wheel, with these dependencies. */
export function fileStateOf(local: LocalWheel, dependencies: Record<string, string[]>): FileStateWire {
  const tags = fileTags(local.wheel);
  return [local.filename, local.size, local.hash, tags.packageTag, tags.packageVersionTag, tags.pyVersionTag, tags.abiTag, tags.platformTag, dependencies];
}
