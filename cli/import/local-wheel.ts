/**
 * A wheel piw-import was given: its name checked (PEP 427: a plain file name, escaped name parts), its size
 * and SHA-256 computed here, its tags from the name (`noabi` → `none`), and the Name and Version of its
 * METADATA, which say what the wheel is when its file name has been escaped or mangled.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileSha256 } from '../../actors/slave/built-wheel.js';
import { ZipReader } from '../../actors/slave/zip-reader.js';
import { findMetadataEntry, metadataHeaders } from '../../actors/support/wheel-metadata.js';
import { fileTags, parseWheelFilename, type WheelFilename } from '../../protocols/packaging/wheel-filename.js';
import type { FileStateWire } from '../../protocols/records.js';
import { toolErrors } from '../master-link/errors.js';

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
  let regular: boolean;
  try {
    const info = await stat(path);
    [regular, size] = [info.isFile(), info.size];
  } catch (err) {
    throw toolErrors.input(`cannot read ${path}: ${describe(err)}`, err);
  }
  if (!regular) throw toolErrors.input(`cannot read ${path}: not a regular file`);
  let zip: ZipReader;
  try {
    zip = await ZipReader.open(path);
  } catch (err) {
    throw toolErrors.input(`${path} is not a wheel: ${describe(err)}`, err);
  }
  let metadata: LocalWheel['metadata'];
  try {
    const entry = findMetadataEntry(zip.entries, filename);
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
  const headers = metadataHeaders(text);
  const name = headers.get('name');
  const version = headers.get('version');
  return name && version ? { name, version } : undefined;
}

/** The 0.18 file state of a wheel, with these dependencies. */
export function fileStateOf(local: LocalWheel, dependencies: Record<string, string[]>): FileStateWire {
  const tags = fileTags(local.wheel);
  return [local.filename, local.size, local.hash, tags.packageTag, tags.packageVersionTag, tags.pyVersionTag, tags.abiTag, tags.platformTag, dependencies];
}
