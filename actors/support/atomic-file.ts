/**
 * Crash-safe file replacement: readers see the old file or the new one, never a half-written one, and a
 * failure at any step leaves the old file untouched and no temp file behind (web-output.md §0).
 */
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
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

/** Collects content produced in chunks into one buffer. */
async function collect(data: FileContent): Promise<Buffer> {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const parts: Buffer[] = [];
  for await (const chunk of data) parts.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** What is at `path` now: nothing, or a file holding exactly `data` with `mode`, or something else. */
async function compareWith(path: string, data: Buffer, mode: number): Promise<'absent' | 'same' | 'differs'> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return 'absent';
  // the size and mode tell most changes apart without reading the file
  if (!info.isFile() || info.size !== data.length || (info.mode & 0o7777) !== mode) return 'differs';
  return data.equals(await readFile(path).catch(() => Buffer.alloc(0))) ? 'same' : 'differs';
}

export interface WriteFilesOptions {
  /** The mode of the files (default 0644, whatever the umask). */
  mode?: number;
  /**
   * Leave a file that already holds exactly the new content alone (no write, no fsync, its mtime kept):
   * rewrites of pages that did not change cost a read from the page cache. The content is collected in
   * memory first to compare it.
   */
  skipUnchanged?: boolean;
}

/**
 * Writes several files as writeFileAtomic does each, but with fewer fsyncs, for files that can be made
 * again (the Scribe's pages): all temp files are written and fsynced concurrently, then renamed; only the
 * directories that gained a file are fsynced, once each. A rename over an existing file is not: it reaches
 * the disk with the file system's next commit (ext4: within 5 s), and a crash before then leaves the old
 * file, whole (the new one was fsynced before the rename). Each file is replaced atomically; the set is
 * not (a reader may see some new and some old). On a failure before the renames, every temp file is
 * removed and nothing is replaced.
 */
export async function writeFilesAtomic(files: readonly { path: string; data: FileContent }[], options: WriteFilesOptions = {}): Promise<void> {
  const { mode = 0o644, skipUnchanged = false } = options;
  let changed: readonly { path: string; data: FileContent }[] = files;
  let existed: boolean[];
  if (skipUnchanged) {
    const collected = await Promise.all(files.map(async (f) => ({ path: f.path, data: await collect(f.data) })));
    const found = await Promise.all(collected.map((f) => compareWith(f.path, f.data, mode)));
    changed = collected.filter((_, i) => found[i] !== 'same');
    existed = found.filter((f) => f !== 'same').map((f) => f === 'differs');
    if (changed.length === 0) return;
  } else {
    existed = await Promise.all(files.map((f) => stat(f.path).then(() => true, () => false)));
  }
  const temps = changed.map((f) => ({ ...f, temp: tempPathFor(f.path) }));
  const opened: string[] = [];
  try {
    await Promise.all(
      temps.map(async ({ temp, data }) => {
        const handle = await open(temp, 'wx', 0o600);
        opened.push(temp);
        try {
          await writeContent(handle, data);
          await handle.chmod(mode);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }),
    );
  } catch (err) {
    await Promise.all(opened.map((temp) => unlink(temp).catch(() => undefined)));
    throw err;
  }
  const renamed = new Set<string>();
  try {
    for (const { temp, path } of temps) {
      await rename(temp, path);
      renamed.add(temp);
    }
  } finally {
    await Promise.all(temps.filter(({ temp }) => !renamed.has(temp)).map(({ temp }) => unlink(temp).catch(() => undefined)));
  }
  await Promise.all([...new Set(changed.filter((_, i) => !existed[i]).map((f) => dirname(f.path)))].map(fsyncDirectory));
}
