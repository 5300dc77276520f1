/**
 * The wheels pip needs to build an sdist offline with build isolation: setuptools and wheel. setuptools
 * wheels come from the Pythons themselves (ensurepip's `_bundled/`, Debian's /usr/share/python-wheels/).
 * No `wheel` wheel exists on the machine, so one is made from Debian's installed python3-wheel files,
 * with a correct RECORD.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { BuiltFile } from './sdist.js';
import { zipBuffer, type ZipInput } from './zip-writer.js';

const run = promisify(execFile);

/** pyenv's python3 (first on PATH) and Debian's. */
export const DEFAULT_PYTHONS = ['python3', '/usr/bin/python3'];
export const DEBIAN_WHEELS_DIR = '/usr/share/python-wheels';
/** The Python whose installed `wheel` package becomes the `wheel` wheel. */
export const WHEEL_SOURCE_PYTHON = '/usr/bin/python3';

async function ensurepipBundled(python: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(python, ['-c', 'import ensurepip, os; print(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled"))']);
    return stdout.trim();
  } catch {
    return undefined; // Debian strips ensurepip; a missing python simply offers nothing
  }
}

/**
 * Paths of the setuptools and wheel wheels to serve, each project from the first source that has it:
 * ensurepip's bundles first, Debian's last. Debian's setuptools wheel is patched for Debian's Python
 * (`install_layout`) and breaks other Pythons' builds, while the pristine one works for both, so it is
 * served only when no Python bundles one.
 */
export async function findBootstrapWheels(pythons: readonly string[] = DEFAULT_PYTHONS): Promise<string[]> {
  const dirs = [...(await Promise.all(pythons.map(ensurepipBundled))), DEBIAN_WHEELS_DIR].filter((d): d is string => d !== undefined);
  const found = new Map<string, string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of (await readdir(dir)).sort()) {
      const project = /^(setuptools|wheel)-[^-]+-py3-none-any\.whl$/.exec(name)?.[1];
      if (project !== undefined && !found.has(project)) found.set(project, join(dir, name));
    }
  }
  return [...found.values()].sort();
}

const recordHash = (data: Buffer) => `sha256=${createHash('sha256').update(data).digest('base64url')}`;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === '__pycache__' || entry.name.endsWith('.pyc')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/** A `wheel-<version>-py3-none-any.whl` made from the `wheel` package installed for `python`. */
export async function makeWheelWheel(python = WHEEL_SOURCE_PYTHON): Promise<BuiltFile> {
  const { stdout } = await run(python, ['-c', 'import os, wheel; print(os.path.dirname(wheel.__file__)); print(wheel.__version__)']);
  const [packageDir, version] = stdout.trim().split('\n') as [string, string];
  const siteDir = join(packageDir, '..');
  const eggInfo = join(siteDir, `wheel-${version}.egg-info`);
  const distInfoSrc = join(siteDir, `wheel-${version}.dist-info`);
  const [metaDir, metaFile] = existsSync(eggInfo) ? [eggInfo, 'PKG-INFO'] : [distInfoSrc, 'METADATA'];
  const distInfo = `wheel-${version}.dist-info`;
  const inputs: ZipInput[] = [];
  for (const path of await filesUnder(packageDir)) {
    inputs.push({ name: `wheel/${relative(packageDir, path)}`, data: await readFile(path) });
  }
  inputs.push({ name: `${distInfo}/METADATA`, data: await readFile(join(metaDir, metaFile)) });
  inputs.push({ name: `${distInfo}/WHEEL`, data: 'Wheel-Version: 1.0\nGenerator: piwheels-pypi-standin\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n' });
  for (const extra of ['entry_points.txt', 'top_level.txt']) {
    const path = join(metaDir, extra);
    if (existsSync(path)) inputs.push({ name: `${distInfo}/${extra}`, data: await readFile(path) });
  }
  const record = inputs.map(({ name, data }) => `${name},${recordHash(Buffer.from(data))},${Buffer.byteLength(data)}`);
  record.push(`${distInfo}/RECORD,,`);
  inputs.push({ name: `${distInfo}/RECORD`, data: record.join('\n') + '\n' });
  return { filename: `wheel-${version}-py3-none-any.whl`, content: zipBuffer(inputs) };
}

/** Every wheel pip needs to build offline: the machine's setuptools (and wheel, if any) plus a made wheel wheel. */
export async function bootstrapWheels(pythons: readonly string[] = DEFAULT_PYTHONS): Promise<BuiltFile[]> {
  const found = await findBootstrapWheels(pythons);
  const files: BuiltFile[] = await Promise.all(found.map(async (path) => ({ filename: basename(path), content: await readFile(path) })));
  if (!files.some((file) => file.filename.startsWith('wheel-'))) files.push(await makeWheelWheel());
  return files;
}
