/**
 * File-transfer benchmark through an independent client (issue 15): a real piw-master process on a real
 * PostgreSQL (a throwaway cluster as the tests start one, fsync off) receives wheels from
 * ../shared/loadtools/transfer_load.py, the 0.18-style Python importer (pyzmq + cbor2: IMPORT → SEND →
 * FETCH/CHUNK → SENT → DONE over the wire alone), so the figures come from a client we did not tune the
 * master to. The master runs at -v with its queues in a temp dir and its output there too.
 *
 * Prints transfer_load.py's own lines: per run MiB/s end to end (IMPORT → final DONE, i.e. register,
 * transfer, and VERIFY with fsync and rename) and the transfer phase (HELLO → DONE frame), then the
 * medians; and the CPU time the master process (every thread) and the client spent per MiB over the runs,
 * which is steadier than MiB/s on a machine others load. `--node-arg` passes options to the master's node
 * (`--cpu-prof`, `--perf-basic-prof`, `--trace-gc`). `--root` runs the master of another checkout (e.g. an
 * export of `main`, with this one's node_modules linked in) against the same tool, for before/after
 * figures in one sitting.
 *
 *   npx tsx scripts/bench/transfer-load.ts [--sizes 256] [--repeat 3] [--root DIR] [--dir /tmp] [--node-arg=--cpu-prof ...]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import startPostgres from '../../spec/support/postgres-global-setup.js';
import teardownPostgres from '../../spec/support/postgres-global-teardown.js';
import { boundAddress, masterReady } from './support/master-log.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '256' },
    repeat: { type: 'string', default: '3' },
    root: { type: 'string' },
    dir: { type: 'string', default: tmpdir() },
    // node options for the master, e.g. --node-arg=--cpu-prof --node-arg=--cpu-prof-dir=/tmp/prof
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MASTER_ROOT = path.resolve(args.root ?? ROOT);
/** ../shared/loadtools beside the repository (DEVELOPERS.md); a worktree one level deeper looks further up. */
const TRANSFER_LOAD = [path.resolve(ROOT, '..', 'shared'), path.resolve(ROOT, '..', '..', 'shared')]
  .map((d) => path.join(d, 'loadtools', 'transfer_load.py'))
  .find((p) => existsSync(p));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** user + system CPU seconds of a process and all its threads, from /proc/PID/stat (fields 14, 15; USER_HZ 100). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function psql(db: string, sql: string): void {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql], { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function startMaster(dir: string, dsn: string): Promise<{ child: ChildProcess; importQueue: string; fileQueue: string }> {
  const importQueue = `ipc://${path.join(dir, 'import')}`;
  const ipc = (q: string) => `ipc://${path.join(dir, q)}`;
  const child = spawn(
    process.execPath,
    [
      ...args['node-arg'],
      '--import', 'tsx', path.join(MASTER_ROOT, 'cli', 'piw-master.ts'), '--dsn', dsn,
      '--status-queue', ipc('status'), '--control-queue', ipc('control'), '--import-queue', importQueue, '--log-queue', ipc('log'),
      '--slave-queue', 'tcp://127.0.0.1:*', '--file-queue', 'tcp://127.0.0.1:*',
      '--pypi-xmlrpc', 'http://127.0.0.1:9/pypi', '--pypi-json', 'http://127.0.0.1:9/pypi', '-v',
      '-o', path.join(dir, 'www'),
    ],
    { cwd: MASTER_ROOT, env: { ...process.env, PIW_ALLOW_ROOT: '1' }, stdio: ['ignore', 'inherit', 'pipe'] }, // stdout: --trace-gc
  );
  const fileQueue = boundAddress(await masterReady(child), 'listening for file transfers on');
  return { child, importQueue, fileQueue };
}

async function main(): Promise<void> {
  if (TRANSFER_LOAD === undefined) throw new Error('../shared/loadtools/transfer_load.py not found beside the repository');
  const dir = await mkdtemp(path.join(args.dir, 'piw-bench-transfer-load-'));
  let master: ChildProcess | undefined;
  await startPostgres();
  try {
    const host = process.env.PGHOST!;
    const port = process.env.PGPORT ?? '5432';
    const db = `piw_transfer_${process.pid}`;
    psql('postgres', `CREATE DATABASE ${db}`);
    execFileSync(process.execPath, ['--import', 'tsx', path.join(MASTER_ROOT, 'cli', 'piw-initdb.ts'), '-y', '-q', '-d', `postgres://${process.env.PGUSER}@/${db}?host=${host}&port=${port}`], {
      cwd: MASTER_ROOT,
      env: { ...process.env, PIW_ALLOW_ROOT: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    psql(db, "INSERT INTO build_abis (abi_tag) VALUES ('cp311') ON CONFLICT DO NOTHING");
    const started = await startMaster(dir, `postgres://piwheels@/${db}?host=${host}&port=${port}`);
    master = started.child;
    console.log(`transfer_load.py against piw-master of ${MASTER_ROOT}`);
    console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on it shows in every figure)`);
    const cpu = cpuSeconds(master.pid!);
    const sizes = args.sizes.split(',');
    const clientTimes = path.join(dir, 'client-times');
    execFileSync(
      '/usr/bin/time',
      [
        '-f', '%U %S', '-o', clientTimes, '/usr/bin/python3', TRANSFER_LOAD, '--import-queue', started.importQueue, '--file-queue', started.fileQueue, '--sizes', ...sizes,
        '--repeat', args.repeat, '--abi', 'cp311', '--workdir', path.join(args.dir, 'piw-bench-transfer-load-files'),
        '--dsn', `host=${host} port=${port} dbname=${db} user=piwheels`,
      ],
      { stdio: 'inherit' },
    );
    // CPU per MiB counts each side's work, not its waits for a core
    const mib = sizes.reduce((sum, size) => sum + Number(size), 0) * Number(args.repeat);
    const used = cpuSeconds(master.pid!) - cpu;
    const [user, system] = readFileSync(clientTimes, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
    const client = user! + system!;
    const perMiB = (s: number) => `${((s * 1000) / mib).toFixed(2)} ms/MiB`;
    console.log(`master CPU (every thread, register/transfer/verify): ${used.toFixed(2)} s for ${mib} MiB = ${perMiB(used)}`);
    console.log(`client CPU (transfer_load.py, its one SHA-256 of each file included): ${client.toFixed(2)} s = ${perMiB(client)}`);
  } finally {
    if (master !== undefined && master.exitCode === null) {
      master.kill('SIGTERM');
      await Promise.race([new Promise((r) => master!.once('exit', r)), sleep(10_000)]);
      if (master.exitCode === null) master.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
    await teardownPostgres();
  }
}

await main();
process.exit(0);
