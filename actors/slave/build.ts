/**
 * One build, as piw-slave runs it (spec/behaviours.md A.3, 195): `pip wheel` of one version with no
 * dependencies, in a fresh temp dir, as the leader of its own process group under RLIMIT_DATA 1 GiB, with
 * the -t timeout enforced (0.18 never did). The result carries pip's log, headed by the command run (cut in the middle past 16 MiB), the wall time of pip
 * alone, and every wheel with its size, SHA-256, tags and run-time dependencies.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeDelta } from '../../protocols/cbor/index.js';
import { MAX_BUILD_OUTPUT } from '../../protocols/slave-driver.js';
import type { FileStateWire } from '../../protocols/records.js';
import { withoutServiceVariables } from '../systemd/index.js';
import { describeWheel, toFileStateWire, type BuiltWheel } from './built-wheel.js';
import { BuildAbortedError } from './errors.js';
import { runInProcessGroup } from './process-group.js';

/** 1 GiB, for pip and everything it starts. */
export const BUILD_DATA_LIMIT = 1024 ** 3;

export interface BuildOptions {
  /** The simple index the master named in ACK. */
  indexUrl: string;
  /** Where the build's temp dir is made (the slave's `-d`); the system temp dir by default. */
  buildDir?: string;
  /** Milliseconds (the slave's `-t`); 0 or omitted: none. */
  timeout?: number;
  /** The Python to build with; `python3` by default. */
  python?: string;
  /** Aborting stops the build (pip's whole process group, or the dependency analysis). */
  signal?: AbortSignal;
  /** Base environment; the slave's own by default. */
  env?: NodeJS.ProcessEnv;
  /** SIGTERM → SIGKILL grace in milliseconds. */
  grace?: number;
  /** Per-library `ldd` timeout in milliseconds. */
  lddTimeout?: number;
}

export interface BuildResult {
  package: string;
  version: string;
  status: boolean;
  duration: TimeDelta;
  output: string;
  /** Sorted by filename; empty unless the build succeeded. */
  files: BuiltWheel[];
  /** The build's temp dir; the wheels live here until `cleanup()`. */
  dir: string;
  /** Removes the temp dir and everything in it. */
  cleanup(): Promise<void>;
}

export function pipWheelArgs(pkg: string, version: string, indexUrl: string, wheelDir: string, logFile: string): string[] {
  return [
    '-m',
    'pip',
    'wheel',
    `--index-url=${indexUrl}`,
    `--wheel-dir=${wheelDir}`,
    `--log=${logFile}`,
    '--no-deps',
    '--no-cache-dir',
    '--exists-action=w',
    '--disable-pip-version-check',
    `${pkg}==${version}`,
  ];
}

/**
 * pip's log, cut to its first and last halves of MAX_BUILD_OUTPUT bytes when longer (the end says why a
 * build failed, the start what was built): the master takes BUILT frames up to its slave queue's limit.
 */
async function readLog(path: string): Promise<string> {
  let log: Buffer;
  try {
    log = await readFile(path);
  } catch (err) {
    return `pip's log ${path} could not be read: ${err instanceof Error ? err.message : String(err)}`;
  }
  return cutOutput(log, MAX_BUILD_OUTPUT);
}

export function cutOutput(log: Buffer, max: number): string {
  if (log.length <= max) return log.toString('utf8');
  const half = Math.floor(max / 2) - 64;
  const cut = log.length - 2 * half;
  return `${log.toString('utf8', 0, half)}\n[… ${cut.toLocaleString('en')} bytes of the log cut …]\n${log.toString('utf8', log.length - half)}`;
}

export async function build(pkg: string, version: string, options: BuildOptions): Promise<BuildResult> {
  const { indexUrl, buildDir = tmpdir(), timeout, python = 'python3', signal, env = process.env, grace, lddTimeout } = options;
  const dir = await mkdtemp(join(buildDir, 'piw-build-'));
  const wheelDir = join(dir, 'wheels');
  const logFile = join(dir, 'pip.log');
  const scratch = join(dir, 'tmp');
  await Promise.all([mkdir(wheelDir), mkdir(scratch)]);
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const args = pipWheelArgs(pkg, version, indexUrl, wheelDir, logFile);
  // The log starts with the command, and pip appends to it (--log is pip's appending log): a build stopped
  // before pip wrote a line (a timeout on a loaded machine) still reports what was run, not an empty log.
  await writeFile(logFile, `$ ${[python, ...args].join(' ')}\n`);

  const run = await runInProcessGroup(python, args, {
    cwd: dir,
    // Git may only clone local paths (0.18); temp files of pip and compilers stay inside the build dir; a
    // build never gets systemd's notification socket (it must not speak for the slave, nor feed its watchdog).
    env: { ...withoutServiceVariables(env), GIT_ALLOW_PROTOCOL: 'file', TMPDIR: scratch },
    timeout,
    signal,
    grace,
    dataLimit: BUILD_DATA_LIMIT,
  });
  const duration = TimeDelta.fromMilliseconds(run.durationMs);
  let output = await readLog(logFile);
  const fail = (err: Error): BuildResult => {
    output += `\n${err.message}`;
    return { package: pkg, version, status: false, duration, output, files: [], dir, cleanup };
  };
  if (run.error) return fail(run.error);
  if (run.exitCode !== 0) return { package: pkg, version, status: false, duration, output, files: [], dir, cleanup };

  const files: BuiltWheel[] = [];
  try {
    const names = (await readdir(wheelDir)).filter((name) => name.endsWith('.whl')).sort();
    for (const [i, name] of names.entries()) {
      const workDir = join(dir, `deps-${i}`);
      await mkdir(workDir);
      files.push(await describeWheel(join(wheelDir, name), { workDir, lddTimeout, signal }));
      await rm(workDir, { recursive: true, force: true });
    }
    if (signal?.aborted) throw new BuildAbortedError();
  } catch (err) {
    // A wheel that cannot be described (bad name, unreadable, analysis failed or stopped) fails the build.
    if (err instanceof Error) return fail(err);
    throw err;
  }
  return { package: pkg, version, status: true, duration, output, files, dir, cleanup };
}

/** The data of the BUILT message: `[status, duration, output, [file_state…]]`. */
export function builtMessageData(result: BuildResult): [boolean, TimeDelta, string, FileStateWire[]] {
  return [result.status, result.duration, result.output, result.files.map(toFileStateWire)];
}
