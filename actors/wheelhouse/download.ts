/**
 * One file fetched into a local folder, never half there: written to a hidden temp name beside its final
 * one, hashed as it arrives, checked against every hash (and the size) its index or object gave, fsynced,
 * renamed into place. A file that fails a check is deleted and the download fails with
 * `PIW_ERR_WHEELHOUSE_HASH`; the file that was there before, if any, is untouched.
 */
import { createHash, getHashes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { fsyncDirectory, tempPathFor } from '../support/atomic-file.js';
import type { Storage } from '../storage/storage.js';
import { WheelhouseError, wheelhouseErrors } from './errors.js';

/** Where a file comes from: a URL (http, https, file) or an object of a container. */
export type FileSource = { kind: 'url'; url: string } | { kind: 'object'; storage: Storage; key: string };

export interface Expected {
  /** Algorithm → lowercase hex digest. */
  hashes: Record<string, string>;
  size?: number | undefined;
}

const SUPPORTED = new Set(getHashes());

/** The hashes of `expected` this Node can check (md5 and the sha family). */
export function checkableHashes(expected: Expected): string[] {
  return Object.keys(expected.hashes).filter((name) => SUPPORTED.has(name));
}

/** Hashes a local file with these algorithms. */
export async function hashFile(path: string, algorithms: readonly string[]): Promise<Record<string, string>> {
  const hashes = algorithms.map((name) => [name, createHash(name)] as const);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) for (const [, h] of hashes) h.update(chunk as Buffer);
  return Object.fromEntries(hashes.map(([name, h]) => [name, h.digest('hex')]));
}

/** Opens the source: its bytes and, when known, its size and stored SHA-256. */
async function openSource(source: FileSource, signal?: AbortSignal): Promise<{ stream: Readable; size: number | undefined; sha256: string | undefined }> {
  if (source.kind === 'object') {
    const read = await source.storage.read(source.key, signal);
    return { stream: read.stream, size: read.size, sha256: read.sha256 };
  }
  const url = new URL(source.url);
  if (url.protocol === 'file:') return { stream: createReadStream(fileURLToPath(url), { highWaterMark: 1 << 20 }), size: undefined, sha256: undefined };
  const res = await fetch(url, signal ? { signal } : {});
  if (!res.ok || res.body === null) throw wheelhouseErrors.page(describeSource(source), `HTTP ${res.status} ${res.statusText}`);
  const length = res.headers.get('content-length');
  return { stream: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), size: length === null ? undefined : Number(length), sha256: undefined };
}

export interface DownloadOptions {
  source: FileSource;
  /** The final local path. */
  path: string;
  expected: Expected;
  /** Name for messages. */
  name: string;
  onProgress?: (done: number, total: number | undefined) => void;
  signal?: AbortSignal;
}

/** Downloads, verifies and renames into place; resolves with the size and SHA-256 of what was kept. */
export async function downloadFile(opts: DownloadOptions): Promise<{ size: number; sha256: string }> {
  let source;
  try {
    source = await openSource(opts.source, opts.signal);
  } catch (err) {
    throw wheelhouseErrors.page(describeSource(opts.source), err);
  }
  const expected: Expected = { ...opts.expected, hashes: { ...opts.expected.hashes } };
  // An object's stored SHA-256 is checked too, unless the index already gave one.
  if (source.sha256 !== undefined) expected.hashes.sha256 ??= source.sha256.toLowerCase();
  const algorithms = [...new Set(['sha256', ...checkableHashes(expected)])];
  const hashes = algorithms.map((name) => [name, createHash(name)] as const);
  const total = expected.size ?? source.size;
  const temp = tempPathFor(opts.path);
  const handle = await open(temp, 'wx', 0o644);
  let size = 0;
  let kept = false;
  try {
    try {
      for await (const chunk of source.stream) {
        const buf = chunk as Buffer;
        for (const [, h] of hashes) h.update(buf);
        await handle.write(buf);
        size += buf.length;
        opts.onProgress?.(size, total);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    const got = Object.fromEntries(hashes.map(([name, h]) => [name, h.digest('hex')]));
    if (expected.size !== undefined && size !== expected.size) throw wheelhouseErrors.hash(opts.name, 'the size', String(expected.size), String(size));
    for (const name of checkableHashes(expected)) {
      if (got[name] !== expected.hashes[name]) throw wheelhouseErrors.hash(opts.name, `the ${name}`, expected.hashes[name]!, got[name]!);
    }
    await rename(temp, opts.path);
    kept = true;
    await fsyncDirectory(dirname(opts.path));
    return { size, sha256: got.sha256! };
  } catch (err) {
    if (!kept) await unlink(temp).catch(() => undefined);
    if (err instanceof WheelhouseError) throw err;
    throw wheelhouseErrors.page(describeSource(opts.source), err);
  }
}

export function describeSource(source: FileSource): string {
  return source.kind === 'url' ? source.url : `${source.storage.url.replace(/\/?$/, '/')}${source.key}`;
}

