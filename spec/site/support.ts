/**
 * A small real site for the tests with real clients (pip, Chromium, nginx, Apache): real wheels on disk
 * (with METADATA, Requires-Python and Requires-Dist), written by the real Scribe, served by the bundled
 * static server with an access log. And the pips to try it with: Debian's, and the newest this machine has.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MemoryScribeData, type MemoryPackage } from '../../actors/scribe/memory-data.js';
import { Scribe } from '../../actors/scribe/scribe.js';
import { compareParsed, parseVersion } from '../../protocols/packaging/pep440.js';
import { serveDirectory, type AccessEntry, type StaticServer } from '../../scripts/start/static-server.js';
import { stats } from '../actors/scribe/helpers.js';
import { writeWheel, type WheelOptions } from '../actors/mr-chase/wheels.js';

const run = promisify(execFile);

export const YANK_REASON = 'Broken on ARM: use 1.0';
export const EVIL_SUMMARY = '<script>alert("summary")</script> & more';
export const EVIL_REQUIRES = '>=3.7"<>&';

interface WheelSpec extends WheelOptions {
  filename: string;
}
interface VersionSpec {
  version: string;
  wheels?: WheelSpec[];
  yankedReason?: string;
  failedLog?: string;
}

/** The index: what each test relies on, one package per case. */
const CATALOGUE: { name: string; description: string; versions: VersionSpec[] }[] = [
  { name: 'app', description: 'An app', versions: [{ version: '1.0', wheels: [{ filename: 'app-1.0-py3-none-any.whl', requiresDist: ['lib>=1.0'] }] }] },
  { name: 'lib', description: 'A library', versions: [{ version: '1.0', wheels: [{ filename: 'lib-1.0-py3-none-any.whl', requiresPython: '>=3' }] }] },
  {
    name: 'modern',
    description: 'Needs a newer Python from 2.0 on',
    versions: [
      { version: '2.0', wheels: [{ filename: 'modern-2.0-py3-none-any.whl', requiresPython: '>=3.7' }] },
      { version: '1.0', wheels: [{ filename: 'modern-1.0-py3-none-any.whl' }] },
    ],
  },
  // a resolver must backtrack: dep 2.0 needs a base that does not exist
  { name: 'top', description: 'Needs dep', versions: [{ version: '1.0', wheels: [{ filename: 'top-1.0-py3-none-any.whl', requiresDist: ['dep'] }] }] },
  {
    name: 'dep',
    description: 'Its newest version cannot be installed',
    versions: [
      { version: '2.0', wheels: [{ filename: 'dep-2.0-py3-none-any.whl', requiresDist: ['base>=2'] }] },
      { version: '1.0', wheels: [{ filename: 'dep-1.0-py3-none-any.whl', requiresDist: ['base'] }] },
    ],
  },
  { name: 'base', description: 'Only 1.0', versions: [{ version: '1.0', wheels: [{ filename: 'base-1.0-py3-none-any.whl' }] }] },
  {
    name: 'yk',
    description: 'A yanked release',
    versions: [
      { version: '2.0', yankedReason: YANK_REASON, wheels: [{ filename: 'yk-2.0-py3-none-any.whl' }] },
      { version: '1.0', wheels: [{ filename: 'yk-1.0-py3-none-any.whl' }] },
    ],
  },
  {
    name: 'broken',
    description: 'Never builds',
    versions: [{ version: '1.0', failedLog: 'error: <command> failed & nothing was built\n' }],
  },
  {
    name: 'evil',
    description: EVIL_SUMMARY,
    versions: [{ version: '1.0', wheels: [{ filename: 'evil-1.0-py3-none-any.whl', requiresPython: EVIL_REQUIRES }] }],
  },
];

export interface Site {
  output: string;
  server: StaticServer;
  url: string;
  /** Every request answered so far. */
  log: AccessEntry[];
  /** SHA-256 of each wheel by file name. */
  hashes: Map<string, string>;
  close(): Promise<void>;
}

/** Writes the catalogue's wheels, has the Scribe write the whole site, and serves it. */
export async function makeSite(): Promise<Site> {
  const output = await mkdtemp(join(tmpdir(), 'piw-site-'));
  const hashes = new Map<string, string>();
  const packages: MemoryPackage[] = [];
  let buildId = 1;
  for (const spec of CATALOGUE) {
    const dir = join(output, 'simple', spec.name);
    await mkdir(dir, { recursive: true });
    const versions = [];
    for (const v of spec.versions) {
      const files = [];
      for (const w of v.wheels ?? []) {
        const wheel = await writeWheel(dir, w.filename, w);
        hashes.set(w.filename, wheel.hash);
        files.push({ filename: w.filename, size: wheel.size, hash: wheel.hash, abi: 'none' });
      }
      const builds = [];
      if (v.failedLog !== undefined) builds.push({ id: buildId++, abi: 'cp311', ok: false, output: v.failedLog, builtAt: new Date(2026, 0, 1) });
      if (files.length > 0) builds.push({ id: buildId++, abi: 'cp311', ok: true, files, output: `built ${spec.name} ${v.version}\n`, builtAt: new Date(2026, 0, 2) });
      versions.push({
        version: v.version,
        released: new Date(2025, 11, 1),
        builds,
        ...(v.yankedReason === undefined ? {} : { yanked: true, yankedReason: v.yankedReason }),
      });
    }
    packages.push({ name: spec.name, description: spec.description, versions });
  }
  const scribe = new Scribe({ data: new MemoryScribeData(packages), output });
  await scribe.start();
  for (const p of packages) await scribe.both(p.name);
  await scribe.home(stats({ packagesBuilt: 5, filesCount: 7, downloadsLastMonth: 12, downloadsAll: 3456 }));
  const log: AccessEntry[] = [];
  const server = await serveDirectory(output, { accessLog: (entry) => log.push(entry) });
  return {
    output,
    server,
    url: server.url,
    log,
    hashes,
    async close() {
      await server.close();
      await rm(output, { recursive: true, force: true });
    },
  };
}

export interface Pip {
  /** e.g. `pip 26.2.1` */
  name: string;
  version: string;
  /** The pip wheel, run from the zip. */
  wheel: string;
}

/** Debian's pip (python3-pip's wheel) and the newest pip wheel on this machine, when newer. */
export function pips(): Pip[] {
  const found: Pip[] = [];
  const look = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const m = /^pip-(\d[^-]*)-py3-none-any\.whl$/.exec(name) ?? /^pip-(\d[^-]*)-py2\.py3-none-any\.whl$/.exec(name);
      if (m) found.push({ name: `pip ${m[1]}`, version: m[1]!, wheel: join(dir, name) });
    }
  };
  const debian = '/usr/share/python-wheels';
  look(debian);
  const debianPip = found[0];
  look('/opt/pypi/files');
  // the pips bundled with other Pythons (pyenv's)
  const pyenv = join(process.env['PYENV_ROOT'] ?? join(process.env['HOME'] ?? '/root', '.pyenv'), 'versions');
  for (const version of existsSync(pyenv) ? readdirSync(pyenv) : []) {
    const lib = join(pyenv, version, 'lib');
    for (const python of existsSync(lib) ? readdirSync(lib) : []) look(join(lib, python, 'ensurepip', '_bundled'));
  }
  const newest = found.reduce<Pip | undefined>((best, p) => (best === undefined || compareParsed(parseVersion(p.version), parseVersion(best.version)) > 0 ? p : best), undefined);
  if (debianPip === undefined) throw new Error(`Debian's pip wheel is not in ${debian}: apt-get install python3-pip`);
  return newest === undefined || newest.version === debianPip.version ? [debianPip] : [debianPip, newest];
}

export interface PipResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `pip args` in a fresh virtual environment of Debian's python3 (as the install advice says), seeing
 * only the indexes the arguments name.
 */
export async function runPip(pip: Pip, venv: string, args: string[]): Promise<PipResult> {
  if (!existsSync(join(venv, 'bin', 'python'))) await run('/usr/bin/python3', ['-m', 'venv', '--without-pip', venv]);
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: venv, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', PYTHONDONTWRITEBYTECODE: '1' };
  try {
    const { stdout, stderr } = await run(join(venv, 'bin', 'python'), [join(pip.wheel, 'pip'), ...args, '--no-cache-dir'], { env, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

/** A temp dir for one test's files, removed by the returned function. */
export async function scratch(): Promise<{ dir: string; done: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'piw-pip-'));
  return { dir, done: () => rm(dir, { recursive: true, force: true }) };
}
