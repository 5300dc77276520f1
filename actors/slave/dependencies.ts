/**
 * The run-time dependencies of a built wheel (spec/behaviours.md A.3): its ELF shared objects are extracted,
 * `ldd` names the libraries they load, and each library maps to the Debian package that owns it (`apt`)
 * or, owned by none, to its path (tool `""`). Libraries shipped inside the wheel itself are not
 * dependencies (0.18 reported their temp-dir paths under `""`).
 */
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { PiwError } from '../../protocols/errors.js';
import { BuildAbortedError, DependencyAnalysisError } from './errors.js';
import { debianOwners } from './dpkg-owners.js';
import { lddLibraries, LDD_TIMEOUT_MS } from './ldd.js';
import { ZipReader } from './zip-reader.js';

/** Tool → sorted names: `apt` → Debian packages, `""` → library paths no package owns. */
export type Dependencies = Record<string, string[]>;

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** 0.18's test for a member worth running `ldd` on (the ELF magic is checked on the contents). */
export const isSharedObjectName = (name: string) => name.endsWith('.so') || name.includes('.so.');

/** A member path that stays inside the extraction dir, or undefined (absolute paths, `..`, NUL). */
function safeRelativePath(name: string): string | undefined {
  if (name.includes('\0') || name.startsWith('/')) return undefined;
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join(sep);
}

/** Extracts the wheel's ELF shared objects under `dir`, keeping their relative paths (for `$ORIGIN` rpaths). */
export async function extractSharedObjects(wheelPath: string, dir: string): Promise<string[]> {
  const zip = await ZipReader.open(wheelPath);
  try {
    const extracted: string[] = [];
    for (const entry of zip.entries) {
      const relative = safeRelativePath(entry.name);
      if (relative === undefined || !isSharedObjectName(entry.name)) continue;
      const data = await zip.read(entry);
      if (!data.subarray(0, 4).equals(ELF_MAGIC)) continue;
      const target = join(dir, relative);
      await mkdir(join(target, '..'), { recursive: true });
      await writeFile(target, data, { mode: 0o755 });
      extracted.push(target);
    }
    return extracted;
  } finally {
    await zip.close();
  }
}

export interface DependencyOptions {
  /** An empty directory to extract into (the caller removes it). */
  workDir: string;
  lddTimeout?: number;
  signal?: AbortSignal;
}

export async function wheelDependencies(wheelPath: string, { workDir, lddTimeout = LDD_TIMEOUT_MS, signal }: DependencyOptions): Promise<Dependencies> {
  try {
    const objects = await extractSharedObjects(wheelPath, workDir);
    const root = await realpath(workDir);
    // real path → the paths ldd gave for it; a library is looked up under all of them, since a symlink
    // made by ldconfig has no owner while its target has, and sometimes the other way round.
    const libraries = new Map<string, Set<string>>();
    for (const object of objects) {
      if (signal?.aborted) throw new BuildAbortedError();
      for (const path of await lddLibraries(object, { timeout: lddTimeout, signal })) {
        let resolved: string;
        try {
          resolved = await realpath(path);
        } catch {
          continue; // 0.18: a library that does not exist is skipped
        }
        if (resolved.startsWith(root + sep)) continue;
        libraries.set(resolved, (libraries.get(resolved) ?? new Set([resolved])).add(path));
      }
    }
    const owners = await debianOwners([...libraries.values()].flatMap((names) => [...names]), { signal });
    const apt = new Set<string>();
    const unowned = new Set<string>();
    for (const [resolved, names] of libraries) {
      const packages = [...names].flatMap((name) => owners.get(name) ?? []);
      if (packages.length) packages.forEach((pkg) => apt.add(pkg));
      else unowned.add(resolved);
    }
    const result: Dependencies = {};
    if (apt.size) result.apt = [...apt].sort();
    if (unowned.size) result[''] = [...unowned].sort();
    return result;
  } catch (err) {
    if (err instanceof BuildAbortedError || (err instanceof PiwError && err.code === 'PIW_ERR_BUILD_DEPENDENCIES')) throw err;
    throw new DependencyAnalysisError(basename(wheelPath), (err as Error).message);
  }
}
