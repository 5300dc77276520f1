/**
 * Which installed Debian packages own given files, via `dpkg-query --search` (what `dpkg -S` runs). 0.18
 * asked python-apt's cache; dpkg's database is the same source without the dependency.
 */
import { execFile } from 'node:child_process';
import { BuildAbortedError } from './errors.js';

export const DPKG_TIMEOUT_MS = 60_000;

// Directories merged into /usr (Debian's usrmerge): dpkg may list a file under either spelling.
const MERGED_DIRS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'libo32'];

/** The same file under the other side of the /usr merge (`/usr/lib/x` ⇄ `/lib/x`), if the path is in a merged dir. */
export function usrMergeAlternative(path: string): string | undefined {
  const top = path.split('/')[1];
  if (top === 'usr') {
    const rest = path.slice('/usr'.length);
    return MERGED_DIRS.includes(rest.split('/')[1] ?? '') ? rest : undefined;
  }
  return top !== undefined && MERGED_DIRS.includes(top) ? `/usr${path}` : undefined;
}

/** Parses `dpkg -S` output into path → owning packages (architecture qualifiers removed); diversions are skipped. */
export function parseDpkgSearch(stdout: string): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    if (line.startsWith('diversion by ')) continue;
    const match = /^(.+?): (\/.*)$/.exec(line);
    if (!match) continue;
    const packages = match[1]!.split(', ').map((pkg) => pkg.split(':')[0]!);
    owners.set(match[2]!, [...new Set([...(owners.get(match[2]!) ?? []), ...packages])].sort());
  }
  return owners;
}

// dpkg treats *, ? and [ as wildcards and backslash as their escape.
const literal = (path: string) => path.replace(/[*?[\\]/g, '\\$&');

export interface OwnerOptions {
  signal?: AbortSignal;
  timeout?: number;
}

/**
 * Owners of each path, trying each path as given and across the /usr merge. A path no package owns is
 * missing from the result; with no dpkg on the machine nothing is owned.
 */
export async function debianOwners(paths: readonly string[], { signal, timeout = DPKG_TIMEOUT_MS }: OwnerOptions = {}): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (paths.length === 0) return result;
  const queries = [...new Set(paths.flatMap((path) => [path, usrMergeAlternative(path)].filter((p): p is string => p !== undefined)))];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'dpkg-query',
      ['--search', '--', ...queries.map(literal)],
      { timeout, signal, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
      (err, out) => {
        const failure = err as (Omit<NodeJS.ErrnoException, 'code'> & { code?: string | number; killed?: boolean }) | null;
        if (!failure) resolve(out);
        else if (failure.name === 'AbortError') reject(new BuildAbortedError());
        else if (failure.code === 'ENOENT') resolve('');
        else if (failure.killed) reject(new Error(`dpkg-query timed out after ${timeout / 1000} s`));
        // Exit 1: some paths are owned by nothing; the rest of the answer stands.
        else if (failure.code === 1) resolve(out);
        else reject(new Error(`dpkg-query failed: ${failure.message}`));
      },
    );
  });
  const found = parseDpkgSearch(stdout);
  for (const path of paths) {
    const alternative = usrMergeAlternative(path);
    const owners = found.get(path) ?? (alternative === undefined ? undefined : found.get(alternative));
    if (owners) result.set(path, owners);
  }
  return result;
}
