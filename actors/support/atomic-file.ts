/**
 * Crash-safe file replacement: readers see the old file or the new one, never a half-written one, and a
 * failure at any step leaves the old file untouched and no temp file behind (web-templates/README.md §0).
 */
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What can be written: a whole string or buffer, or chunks produced one by one (e.g. a page rendered in parts). */
export type FileContent = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

let tempCounter = 0;

/**
 * The temp name used for `path`: hidden, in the same directory (so `rename` stays on one file system),
 * unique per process and call (it is opened with O_EXCL, so a clash fails rather than clobbers).
 */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${(tempCounter++).toString(36)}.tmp`);
}

const TEMP_NAME = /^\..+\.(\d+)-[0-9a-z]+\.tmp$/;

/** The pid in a temp name of `tempPathFor`; undefined for any other name. */
export function tempNameOwner(name: string): number | undefined {
  const m = TEMP_NAME.exec(name);
  return m === null ? undefined : Number(m[1]);
}

/** Flushes a directory's entries (a rename or a new file in it) to disk. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeContent(handle: FileHandle, data: FileContent): Promise<void> {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    await handle.writeFile(data);
    return;
  }
  for await (const chunk of data) await handle.writeFile(chunk);
}

/**
 * Writes `data` to a temp file beside `path`, sets `mode` (whatever the umask), fsyncs it, renames it over
 * `path` and fsyncs the directory. On any failure the temp file is removed and the error re-thrown.
 */
export async function writeFileAtomic(path: string, data: FileContent, mode = 0o644): Promise<void> {
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx', 0o600);
  let renamed = false;
  try {
    try {
      await writeContent(handle, data);
      await handle.chmod(mode); // before the fsync, so the mode is on disk with the data
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    renamed = true;
    await fsyncDirectory(dirname(path));
  } catch (err) {
    if (!renamed) await unlink(temp).catch(() => undefined);
    throw err;
  }
}
