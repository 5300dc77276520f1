/**
 * What the wheelhouse tool needs of a storage container: a flat namespace of objects named by
 * `/`-separated keys, listed, read, written whole and deleted. Two providers implement it: a local
 * directory (file-storage.ts) and S3-compatible object storage (s3-storage.ts). Keys are always relative
 * and checked (`checkKey`), so nothing from an index page or a listing can name a path outside the
 * container.
 *
 * Every object the tool writes carries its SHA-256 (`StoredObject.sha256` when known): an S3 object in its
 * `x-amz-meta-sha256` metadata, a local file by hashing it. Listings do not carry it (S3's do not), so
 * `sha256Of` asks for one object at a time.
 */
import type { Readable } from 'node:stream';
import { storageErrors } from './errors.js';

export interface StoredObject {
  key: string;
  size: number;
  /** When it was last written. */
  modified: Date;
  /** S3's ETag without quotes (the MD5 of a single-part upload); undefined for a local file. */
  etag?: string;
}

export interface PutOptions {
  contentType?: string;
  /** Lowercase hex SHA-256 of the content, stored with it. */
  sha256?: string;
  /** Called as bytes go out: bytes sent so far, total. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ReadResult {
  stream: Readable;
  size: number;
  /** The SHA-256 stored with the object, when there is one. */
  sha256: string | undefined;
}

export interface Storage {
  /** The container as a URL (`file:///srv/wheelhouse`, `s3://bucket/prefix`), for messages. */
  readonly url: string;
  /** Creates the container if it is missing (the original's upload does); existing is fine. */
  ensure(): Promise<void>;
  /** Every object whose key starts with `prefix` (default: all), in no particular order. */
  list(prefix?: string): AsyncIterable<StoredObject>;
  /** The SHA-256 stored with (or, locally, computed from) the object; undefined if missing or unknown. */
  sha256Of(key: string): Promise<string | undefined>;
  /** Writes a local file, or bytes, as the object `key` (replacing it whole, never half-written). */
  put(key: string, source: { path: string } | { body: Buffer | string }, opts?: PutOptions): Promise<void>;
  /** Opens the object for reading; a `PIW_ERR_STORAGE_MISSING` error when it is not there. */
  read(key: string, signal?: AbortSignal): Promise<ReadResult>;
  /** Reads a small object whole (an index page); undefined when it is not there. */
  readText(key: string): Promise<string | undefined>;
  /** Deletes these objects; missing ones are fine. */
  delete(keys: readonly string[]): Promise<void>;
  /** Releases connections. */
  close(): void;
}

/**
 * A key is a relative path of plain segments: no empty, `.` or `..` segment, no leading `/`, no
 * backslash, NUL or control character. What a listing or an index page offers is checked with this
 * before it becomes a local path or a request.
 */
export function checkKey(key: string): string {
  if (typeof key !== 'string' || key === '') throw storageErrors.key(String(key), 'empty');
  if (/[\0-\x1f\x7f\\]/.test(key)) throw storageErrors.key(key, 'contains a control character or a backslash');
  if (key.startsWith('/')) throw storageErrors.key(key, 'absolute');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw storageErrors.key(key, `has a ${JSON.stringify(segment)} segment`);
  }
  if (Buffer.byteLength(key) > 1024) throw storageErrors.key(key, 'longer than 1024 bytes');
  return key;
}

/** The content type an object is served with, by its name (what a static web site needs). */
export function contentTypeOf(key: string): string {
  const dot = key.lastIndexOf('.');
  const ext = dot < 0 ? '' : key.slice(dot + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json',
  xml: 'application/xml',
  xsl: 'application/xslt+xml',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/vnd.microsoft.icon',
  txt: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  whl: 'application/zip',
  zip: 'application/zip',
  gz: 'application/gzip',
};
