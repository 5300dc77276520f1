/**
 * A wheel's core metadata (`<name>-<version>.dist-info/METADATA`): found through the zip's central
 * directory and read as the one member it is, so a wheel of hundreds of MB costs a few small reads, never a
 * pass over the whole file. PEP 658 serves these bytes as `<wheel>.metadata`, announced with their SHA-256;
 * pip reads Requires-Python from the index and the dependencies from the metadata file.
 */
import { createHash } from 'node:crypto';
import { parseWheelFilename } from '../../protocols/packaging/wheel-filename.js';
import { ZipReader, type ZipEntry } from '../slave/zip-reader.js';

/** The most Requires-Python keeps (the database column's width); a longer one is not a specifier. */
export const MAX_REQUIRES_PYTHON = 100;

export interface CoreMetadata {
  /** The METADATA file as it is in the wheel. */
  bytes: Buffer;
  /** Its SHA-256, lowercase hex. */
  sha256: string;
  /** Requires-Python, trimmed; null when absent, empty or longer than MAX_REQUIRES_PYTHON. */
  requiresPython: string | null;
  /** Every header, first occurrence of each, keys lower-cased. */
  headers: Map<string, string>;
}

/**
 * The METADATA member of a wheel: `<distribution>-<version>.dist-info/METADATA` as the file name spells
 * them, or else the only `*.dist-info/METADATA` at the top level; undefined when neither is there.
 */
export function findMetadataEntry(entries: readonly ZipEntry[], filename: string): ZipEntry | undefined {
  const wheel = parseWheelFilename(filename);
  const wanted = `${wheel.distribution}-${wheel.version}.dist-info/METADATA`;
  const candidates = entries.filter((e) => /^[^/]+\.dist-info\/METADATA$/.test(e.name));
  return candidates.find((e) => e.name === wanted) ?? (candidates.length === 1 ? candidates[0] : undefined);
}

/** The headers of a METADATA file (RFC 822 style: they end at the first blank line; continuations skipped). */
export function metadataHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0 || /^\s/.test(line)) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(key)) headers.set(key, line.slice(colon + 1).trim());
  }
  return headers;
}

/** The core metadata of the wheel at `path` (named `filename`); undefined when it has no METADATA. */
export async function readCoreMetadata(path: string, filename: string): Promise<CoreMetadata | undefined> {
  const zip = await ZipReader.open(path);
  try {
    const entry = findMetadataEntry(zip.entries, filename);
    if (entry === undefined) return undefined;
    const bytes = await zip.read(entry);
    const headers = metadataHeaders(bytes.toString('utf8'));
    const requires = headers.get('requires-python') ?? '';
    return {
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      requiresPython: requires === '' || requires.length > MAX_REQUIRES_PYTHON ? null : requires,
      headers,
    };
  } finally {
    await zip.close();
  }
}
