/**
 * A real piw-master process for the benchmarks that measure it with ../shared/loadtools' independent
 * clients: a throwaway PostgreSQL cluster (as the tests start one, fsync off), a database made by that
 * checkout's piw-initdb with the cp311 ABI, and the master at -v with its ipc queues and output in a temp
 * dir and its slave and file queues on free tcp ports. `root` runs another checkout's master (an older
 * commit's worktree) so before and after are measured by the same client in one sitting. `embedded` runs
 * the master on the embedded database (PGlite) in the temp dir instead, as `npm start` does, prepared by
 * that checkout's own code (scripts/start/database.ts: the schema, then the cp311 ABI).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import startPostgres from '../../../spec/support/postgres-global-setup.js';
import teardownPostgres from '../../../spec/support/postgres-global-teardown.js';
import { boundAddress, logReady } from './master-log.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A script of ../shared/loadtools beside the repository (DEVELOPERS.md); a worktree one level deeper looks further up. */
export function loadTool(name: string): string {
  const found = [path.resolve(ROOT, '..', 'shared'), path.resolve(ROOT, '..', '..', 'shared')]
    .map((d) => path.join(d, 'loadtools', name))
    .find((p) => existsSync(p));
  if (found === undefined) throw new Error(`../shared/loadtools/${name} not found beside the repository`);
  return found;
}

/** user + system CPU seconds of a process and all its threads, from /proc/PID/stat (fields 14, 15; USER_HZ 100). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of each thread of a process, summed by thread name (/proc/PID/task/TID/stat, USER_HZ 100). */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** CPU seconds between two `threadCpuSeconds` readings: ZeroMQ's I/O threads (`ZMQbg/…`) and all the others. */
export function zmqSplit(before: Map<string, number>, after: Map<string, number>): { zmq: number; other: number } {
  let zmq = 0;
  let other = 0;
  for (const [name, s] of after) {
    const used = s - (before.get(name) ?? 0);
    if (name.startsWith('ZMQbg')) zmq += used;
    else other += used;
  }
  return { zmq, other };
}

/** Resident memory of a process in MiB, from /proc/PID/status. */
export function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

function psql(db: string, sql: string): void {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export interface RealMaster {
  /** The checkout whose master runs. */
  root: string;
  child: ChildProcess;
  /** The file the master's log (its stderr) is written to. */
  logFile: string;
  /** libpq keywords of the master's database as the master's role, for the tools' `--dsn`. */
  libpq: string;
  /** The same as the cluster's superuser (a tool that seeds the tables). */
  ownerLibpq: string;
  /** The master's output directory (the site). */
  output: string;
  importQueue: string;
  slaveQueue: string;
  fileQueue: string;
}

export interface RealMasterOptions {
  root?: string;
  dir: string;
  /** node options for the master (`--cpu-prof`, `--trace-gc`). */
  nodeArgs?: string[];
  /** A file the master's log (its stderr) is copied to, to see what it did. */
  logFile?: string;
  /**
   * Fills the database before the master starts (given the superuser's libpq keywords), so the master
   * starts up knowing it, as a long-running production master would. PostgreSQL only.
   */
  prepare?: (ownerLibpq: string) => void;
  /** The embedded database (PGlite) instead of a PostgreSQL server. */
  embedded?: boolean;
  /**
   * The master as installed (the `piw-master` bin: the build in `dist/`, made first with the checkout's
   * `npm run build`) rather than its TypeScript through tsx, whose loader runs on a thread of its own: the
   * memory an operator's master has.
   */
  installed?: boolean;
  /** Called as soon as the master's process exists (a sampler that must see its start-up). */
  onSpawn?: (child: ChildProcess) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `work` against a real master, then stops it (SIGTERM, SIGKILL after 10 s) and the cluster. */
export async function withRealMaster<T>(opts: RealMasterOptions, work: (master: RealMaster) => Promise<T>): Promise<T> {
  const root = path.resolve(opts.root ?? ROOT);
  const dir = await mkdtemp(path.join(opts.dir, 'piw-bench-master-'));
  let child: ChildProcess | undefined;
  if (!opts.embedded) await startPostgres();
  try {
    const env = { ...process.env, PIW_ALLOW_ROOT: '1' };
    const host = process.env.PGHOST!;
    const port = process.env.PGPORT ?? '5432';
    const db = `piw_bench_${process.pid}`;
    let dsn: string;
    const ownerLibpq = opts.embedded
      ? `host=${path.join(dir, 'pgdata')} port=5432 dbname=postgres user=postgres`
      : `host=${host} port=${port} dbname=${db} user=${process.env.PGUSER}`;
    if (opts.embedded) {
      if (opts.prepare !== undefined) throw new Error('a database filled before the master starts needs PostgreSQL, not the embedded database');
      dsn = `pglite:${path.join(dir, 'pgdata')}`;
      const prepare = `import { prepareDemoDatabase } from ${JSON.stringify(path.join(root, 'scripts', 'start', 'database.ts'))}; await prepareDemoDatabase(${JSON.stringify(path.join(dir, 'pgdata'))}, 'cp311');`;
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', prepare], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
    } else {
      psql('postgres', `CREATE DATABASE ${db}`);
      execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'cli', 'piw-initdb.ts'), '-y', '-q', '-d', `postgres://${process.env.PGUSER}@/${db}?host=${host}&port=${port}`], {
        cwd: root,
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      psql(db, "INSERT INTO build_abis (abi_tag) VALUES ('cp311') ON CONFLICT DO NOTHING");
      opts.prepare?.(ownerLibpq);
      dsn = `postgres://piwheels@/${db}?host=${host}&port=${port}`;
    }
    const ipc = (q: string) => `ipc://${path.join(dir, q)}`;
    // The master's stderr goes to a file, not a pipe: the benchmarks wait for their load tool with
    // execFileSync, and a master whose log pipe nobody reads meanwhile (500 hello lines fill it) stops dead
    // at its next line, which made whole runs measure 0 replies/s.
    const logFile = opts.logFile ?? path.join(dir, 'master.log');
    if (opts.installed) execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const master = opts.installed ? [path.join(root, 'dist', 'cli', 'piw-master.js')] : ['--import', 'tsx', path.join(root, 'cli', 'piw-master.ts')];
    const logFd = openSync(logFile, 'w');
    child = spawn(
      process.execPath,
      [
        ...(opts.nodeArgs ?? []),
        ...master, '--dsn', dsn,
        '--status-queue', ipc('status'), '--control-queue', ipc('control'), '--import-queue', ipc('import'), '--log-queue', ipc('log'),
        '--slave-queue', 'tcp://127.0.0.1:*', '--file-queue', 'tcp://127.0.0.1:*',
        '--pypi-xmlrpc', 'http://127.0.0.1:9/pypi', '--pypi-json', 'http://127.0.0.1:9/pypi', '-v',
        '-o', path.join(dir, 'www'),
      ],
      { cwd: root, env, stdio: ['ignore', 'inherit', logFd] }, // stdout: --trace-gc
    );
    closeSync(logFd);
    opts.onSpawn?.(child);
    const log = await logReady(child, () => readFileSync(logFile, 'utf8'));
    return await work({
      root,
      child,
      // The embedded database serves operators on <data dir>/.s.PGSQL.5432 (schema/operator-socket.ts).
      libpq: opts.embedded ? `host=${path.join(dir, 'pgdata')} port=5432 dbname=postgres user=piwheels` : `host=${host} port=${port} dbname=${db} user=piwheels`,
      ownerLibpq,
      logFile,
      output: path.join(dir, 'www'),
      importQueue: ipc('import'),
      slaveQueue: boundAddress(log, 'listening for slaves on'),
      fileQueue: boundAddress(log, 'listening for file transfers on'),
    });
  } finally {
    if (child !== undefined && child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child!.once('exit', r)), sleep(10_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
    if (!opts.embedded) await teardownPostgres();
  }
}
