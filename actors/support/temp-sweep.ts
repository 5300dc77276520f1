/**
 * Start-up sweeps: temp files an earlier run left behind when it was killed mid-write (kill -9, power
 * loss). Every file the master writes goes through a temp name first (atomic-file.ts, the File Juggler's
 * transfers); nothing ever removes the temp file of a process that died, so the next run does.
 *
 * `sweepTree` walks a directory tree (without following links), one directory at a time so the event loop
 * stays free for everything else, and removes each file `isStale` picks. Only names the caller recognises
 * as its own temp files are ever touched.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../runtime/logger.js';

export interface SweepResult {
  /** Files removed. */
  removed: number;
  /** Directories read. */
  directories: number;
}

/** Decides about one file: `name` in `dir`; true to remove it. */
export type StalePredicate = (name: string, path: string) => boolean | Promise<boolean>;

export async function sweepTree(root: string, isStale: StalePredicate, log: Pick<Logger, 'warn'>, signal?: AbortSignal): Promise<SweepResult> {
  const result: SweepResult = { removed: 0, directories: 0 };
  const pending = [root];
  while (pending.length > 0 && !signal?.aborted) {
    const dir = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      // Gone meanwhile, or not ours to read: nothing to sweep there.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`cannot read ${dir} to sweep temp files`, err);
      continue;
    }
    result.directories++;
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile() && (await isStale(entry.name, path))) {
        try {
          await unlink(path);
          result.removed++;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`cannot remove the stale temp file ${path}`, err);
        }
      }
    }
  }
  return result;
}

/**
 * A file of this process's own naming (`pid` in its name) is stale when another process made it, or when
 * this one made it before `since` (the pid of a dead run may come back, e.g. in a container).
 */
export async function staleUnlessOurs(path: string, pid: number, since: number): Promise<boolean> {
  if (pid !== process.pid) return true;
  try {
    return (await lstat(path)).mtimeMs < since;
  } catch {
    return false;
  }
}
