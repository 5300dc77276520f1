/** Directory and link operations shared by the Scribe and the File Juggler on the output tree. */
import { lstat, mkdir, symlink, unlink } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { defineError } from '../../protocols/errors.js';

export const NotADirectoryError = defineError(
  'PIW_ERR_NOT_A_DIRECTORY',
  (path: string) => `cannot create directory ${path}: a file of that name is in the way`,
);

const code = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;

/**
 * Makes directory `dir` (its parent must exist). A symlink in its place, e.g. `project/<alias>` left from
 * when the name was an alias of another package, is replaced by a real directory; an existing directory
 * is fine; a regular file in the way is an error.
 */
export async function mkdirReplacingSymlink(dir: string, mode = 0o755): Promise<void> {
  for (;;) {
    try {
      const st = await lstat(dir);
      if (st.isDirectory()) return;
      if (!st.isSymbolicLink()) throw new NotADirectoryError(dir);
      await unlink(dir).catch((err) => {
        if (code(err) !== 'ENOENT') throw err;
      });
    } catch (err) {
      if (code(err) !== 'ENOENT') throw err;
    }
    try {
      await mkdir(dir, mode);
      return;
    } catch (err) {
      if (code(err) !== 'EEXIST') throw err; // made meanwhile by someone else: look again
    }
  }
}

/**
 * Creates `link` as a relative symlink to `target` (both paths as seen from here). Anything already at
 * `link` (a file, a directory, another or a dangling link) is left alone and `false` returned.
 */
export async function symlinkRelative(target: string, link: string): Promise<boolean> {
  try {
    await symlink(relative(dirname(link), target) || '.', link);
    return true;
  } catch (err) {
    if (code(err) === 'EEXIST') return false;
    throw err;
  }
}

/** Unlinks `path`; `false` when it was not there. */
export async function unlinkIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if (code(err) === 'ENOENT') return false;
    throw err;
  }
}
