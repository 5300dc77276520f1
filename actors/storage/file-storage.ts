/**
 * A local directory as a storage container (`file:///srv/wheelhouse`): objects are files under the root,
 * keys their relative paths. Files are written as the site's pages are (temp name in the same directory,
 * fsync, rename), so a web server serving the directory never sends half a wheel. Hidden names (our temp
 * files among them) and symlinks are not objects: a listing never follows a link out of the root.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fileSha256 } from '../slave/built-wheel.js';
import { writeFileAtomic } from '../support/atomic-file.js';
import { storageErrors } from './errors.js';
import { checkKey, type PutOptions, type ReadResult, type Storage, type StoredObject } from './storage.js';

const code = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;

export class FileStorage implements Storage {
  readonly root: string;
  readonly url: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.url = pathToFileURL(this.root).href;
  }

  #path(key: string): string {
    return join(this.root, ...checkKey(key).split('/'));
  }

  async ensure(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true });
    } catch (err) {
      throw storageErrors.request('creating the container', this.url, err);
    }
  }

  async *list(prefix = ''): AsyncIterable<StoredObject> {
    yield* this.#walk(this.root, '', prefix);
  }

  async *#walk(dir: string, base: string, prefix: string): AsyncIterable<StoredObject> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (code(err) === 'ENOENT' && base !== '') return; // removed while listing
      if (code(err) === 'ENOENT') throw storageErrors.missing('the container', this.url);
      throw storageErrors.request('listing', this.url, err);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const key = base + entry.name;
      // Only descend where the prefix can still match.
      if (!(key.startsWith(prefix) || prefix.startsWith(key + '/'))) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        yield* this.#walk(path, key + '/', prefix);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const info = await stat(path).catch(() => undefined);
        if (info !== undefined) yield { key, size: info.size, modified: info.mtime };
      }
    }
  }

  async sha256Of(key: string): Promise<string | undefined> {
    try {
      return await fileSha256(this.#path(key));
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'EISDIR') return undefined;
      throw storageErrors.request(`reading ${key}`, this.url, err);
    }
  }

  async put(key: string, source: { path: string } | { body: Buffer | string }, opts: PutOptions = {}): Promise<void> {
    const path = this.#path(key);
    try {
      await mkdir(dirname(path), { recursive: true });
      if ('body' in source) {
        await writeFileAtomic(path, source.body);
        opts.onProgress?.(Buffer.byteLength(source.body), Buffer.byteLength(source.body));
        return;
      }
      const total = (await stat(source.path)).size;
      const stream = createReadStream(source.path, { highWaterMark: 1 << 20, ...(opts.signal ? { signal: opts.signal } : {}) });
      let sent = 0;
      async function* counted() {
        for await (const chunk of stream) {
          sent += (chunk as Buffer).length;
          yield chunk as Buffer;
          opts.onProgress?.(sent, total);
        }
      }
      await writeFileAtomic(path, counted());
    } catch (err) {
      throw storageErrors.request(`writing ${key}`, this.url, err);
    }
  }

  async read(key: string, signal?: AbortSignal): Promise<ReadResult> {
    const path = this.#path(key);
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      if (code(err) === 'ENOENT') throw storageErrors.missing(key, this.url);
      throw storageErrors.request(`reading ${key}`, this.url, err);
    }
    if (!info.isFile()) throw storageErrors.missing(key, this.url);
    const size = info.size;
    // Locally the hash is the file's own: whoever reads verifies it as they go, no second pass needed.
    return { stream: createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) }), size, sha256: undefined };
  }

  async readText(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.#path(key), 'utf8');
    } catch (err) {
      if (code(err) === 'ENOENT') return undefined;
      throw storageErrors.request(`reading ${key}`, this.url, err);
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const path = this.#path(key);
      try {
        await unlink(path);
      } catch (err) {
        if (code(err) !== 'ENOENT') throw storageErrors.request(`deleting ${key}`, this.url, err);
      }
      // Directories left empty go too, up to the root (a deleted project leaves no empty folder behind).
      for (let dir = dirname(path); dir !== this.root && dir.startsWith(this.root); dir = dirname(dir)) {
        try {
          await rmdir(dir);
        } catch {
          break;
        }
      }
    }
  }

  close(): void {}
}
