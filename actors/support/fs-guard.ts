/**
 * Guards for names that come from the network or the database before they touch the file system: a name
 * must be one plain path component, and a joined path must stay inside its root. Checks are lexical (no
 * symlinks are followed): the output tree only ever holds links the master made itself.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { defineError } from '../../protocols/errors.js';

export const UnsafeNameError = defineError(
  'PIW_ERR_UNSAFE_NAME',
  (what: string, name: string) => `refusing unsafe ${what} name ${JSON.stringify(name)}: it must be one plain path component`,
);

export const PathEscapeError = defineError(
  'PIW_ERR_PATH_ESCAPE',
  (root: string, path: string) => `refusing path ${JSON.stringify(path)}: it escapes ${root}`,
);

/** True for a single, ordinary path component: not empty, not `.` or `..`, no `/` and no NUL. */
export function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}

/** Throws `PIW_ERR_UNSAFE_NAME` unless `name` is a plain path component; `what` names it in the message. */
export function assertPlainName(name: string, what: string): void {
  if (!isPlainName(name)) throw new UnsafeNameError(what, name);
}

/** `root` joined with `segments`, resolved; throws `PIW_ERR_PATH_ESCAPE` if the result is not inside `root`. */
export function resolveInside(root: string, ...segments: string[]): string {
  const base = resolve(root);
  const joined = segments.join(sep);
  if (joined.includes('\0')) throw new PathEscapeError(base, joined);
  const path = resolve(base, ...segments);
  const rel = relative(base, path);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new PathEscapeError(base, joined);
  return path;
}
