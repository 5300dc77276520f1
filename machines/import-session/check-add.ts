/**
 * The checks a piw-add request (ADDPKG / ADDVER) passes before anything is looked up or written. Pure; the
 * first problem found is the ERROR text. Names must be project names whose PEP 503 form is the package's
 * (piwheels 0.19's piw-add checked aliases so, on its side); the rest are what the columns can hold.
 */
import { canonicalizeName, isProjectName } from '../../protocols/packaging/wheel-filename.js';

/** Widths of the columns the values go to (packages, versions, package_names). */
export const MAX_NAME = 200;
export const MAX_VERSION = 200;
export const MAX_SKIP = 100;
export const MAX_ALIASES = 100;

export interface AddFields {
  display: string;
  version?: string;
  skip: string;
  unskip: boolean;
  yank?: boolean;
  unyank?: boolean;
  aliases: readonly string[];
}

const quote = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

export function addProblem(req: AddFields): string | undefined {
  if (!isProjectName(req.display) || req.display.length > MAX_NAME) return `invalid package name ${quote(req.display)}`;
  const canon = canonicalizeName(req.display);
  if (req.aliases.length > MAX_ALIASES) return `too many aliases (at most ${MAX_ALIASES})`;
  for (const alias of req.aliases) {
    if (!isProjectName(alias) || alias.length > MAX_NAME) return `invalid alias ${quote(alias)}`;
    if (canonicalizeName(alias) !== canon) return `alias ${alias} does not match the package name ${canon}`;
  }
  if (req.version !== undefined && (req.version === '' || req.version.length > MAX_VERSION || /[\s\p{Cc}]/u.test(req.version))) {
    return `invalid version ${quote(req.version)}`;
  }
  if (req.skip !== '' && req.unskip) return 'cannot both skip and unskip';
  if (req.skip.length > MAX_SKIP) return `skip reason longer than ${MAX_SKIP} characters`;
  if (req.yank && req.unyank) return 'cannot both yank and unyank';
  return undefined;
}
