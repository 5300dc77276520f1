/**
 * Moving a verified wheel into the index (web-templates/README.md §3.8, behaviours 81, 83, 84): into
 * `simple/<package>/` (a symlink in that place, left from when the name was an alias, is replaced by a
 * real directory), by an atomic rename from the temp file beside it, then the `linux_armv6l` twin link for
 * a `linux_armv7l` wheel unless something of that name exists. The directories are fsynced so the new
 * entries survive a crash (the file itself was fsynced when it was sealed).
 */
import { mkdir } from 'node:fs/promises';
import { armv6lTwinName } from '../../protocols/packaging/wheel-filename.js';
import { fsyncDirectory } from '../support/atomic-file.js';
import { resolveInside } from '../support/fs-guard.js';
import { mkdirReplacingSymlink, symlinkRelative } from '../support/fs-tree.js';
import type { IncomingFile } from './incoming-file.js';

export interface Committed {
  /** Where the wheel now is. */
  path: string;
  /** The armv6l link made beside it, if one was. */
  link?: string;
}

/**
 * Renames `incoming` to `<simpleDir>/<pkg>/<filename>`. `pkg` and `filename` must already have been
 * checked (file-checks.ts); the paths are checked again to stay inside `simpleDir` whatever they hold.
 */
export async function commitWheel(incoming: IncomingFile, simpleDir: string, pkg: string, filename: string): Promise<Committed> {
  const pkgDir = resolveInside(simpleDir, pkg);
  const path = resolveInside(pkgDir, filename);
  await mkdir(simpleDir, { recursive: true });
  await mkdirReplacingSymlink(pkgDir);
  await incoming.moveTo(path);
  const twin = armv6lTwinName(filename);
  const link = twin === undefined ? undefined : resolveInside(pkgDir, twin);
  const linked = link !== undefined && (await symlinkRelative(path, link));
  await Promise.all([fsyncDirectory(pkgDir), fsyncDirectory(simpleDir)]);
  return linked ? { path, link } : { path };
}
