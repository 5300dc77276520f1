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
 * `--sender piw-import` sends with our own client instead, through the same real master: the checkout's
 * cli/piw-import.ts as a process (tsx), importing a real wheel of each size; it prints per run the seconds
 * from start to exit (its start-up, METADATA read and SHA-256 included) and the same less the start-up of
 * `piw-import --version` (the nearest to transfer_load.py's end to end), and the CPU per MiB of both sides;
 * `--import-node-arg` passes options to its node (`--cpu-prof`). `--installed` runs the master and
 * piw-import as installed (their `dist/` build) rather than through tsx, whose start-up and loader thread
 * are no operator's.
 *
 *   npx tsx scripts/bench/transfer-load.ts [--sizes 256] [--repeat 3] [--root DIR] [--dir /tmp] [--sender transfer_load|piw-import]
 *     [--installed] [--node-arg=--cpu-prof ...]
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeBigWheel } from './support/big-wheel.js';
import { cpuSeconds, loadTool, rssMiB, withRealMaster, type RealMaster } from './support/real-master.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '256' },
    repeat: { type: 'string', default: '3' },
    root: { type: 'string' },
    dir: { type: 'string', default: tmpdir() },
    sender: { type: 'string', default: 'transfer_load' },
    installed: { type: 'boolean', default: false },
    // node options for the master, e.g. --node-arg=--cpu-prof --node-arg=--cpu-prof-dir=/tmp/prof
    'node-arg': { type: 'string', multiple: true, default: [] },
    // node options for piw-import with --sender piw-import, e.g. --import-node-arg=--cpu-prof
    'import-node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const TRANSFER_LOAD = loadTool('transfer_load.py');

if (args.sender !== 'transfer_load' && args.sender !== 'piw-import') throw new Error(`--sender: transfer_load or piw-import, not ${args.sender}`);
const MiB = 2 ** 20;
/** Minor page faults of a process so far (every thread), from /proc/PID/stat. */
const minorFaults = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[7]);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** node's arguments that run piw-import of `root`: its build as installed, or its TypeScript through tsx. */
const piwImportScript = (root: string) => (args.installed ? [path.join(root, 'dist', 'cli', 'piw-import.js')] : ['--import', 'tsx', path.join(root, 'cli', 'piw-import.ts')]);

/** Runs piw-import of `master.root` with `argv`; its seconds start to exit and its CPU seconds. */
async function piwImport(master: RealMaster, argv: string[]): Promise<{ seconds: number; cpu: number }> {
  const started = performance.now();
  const times = path.join(args.dir, `piw-bench-transfer-load-import-times-${process.pid}`);
  const child = spawn(
    '/usr/bin/time',
    ['-f', '%U %S', '-o', times, process.execPath, ...args['import-node-arg'], ...piwImportScript(master.root), ...argv],
    { cwd: master.root, env: { ...process.env, PIW_ALLOW_ROOT: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`piw-import failed (${code}): ${stderr}`);
  const [user, system] = readFileSync(times, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  return { seconds, cpu: user! + system! };
}

/** piw-import of `master.root` sends a real wheel of each size `repeat` times; returns its CPU seconds. */
async function importWithOurs(master: RealMaster, sizes: string[]): Promise<number> {
  const dir = path.join(args.dir, 'piw-bench-transfer-load-wheels');
  await mkdir(dir, { recursive: true });
  // what every run spends before it does anything, for scale
  const startups: number[] = [];
  for (let i = 0; i < 3; i++) startups.push((await piwImport(master, ['--version'])).seconds);
  const startup = median(startups);
  console.log(`piw-import start-up and exit (--version): median ${startup.toFixed(2)} s`);
  let clientCpu = 0;
  for (const size of sizes) {
    const pkg = `piwours${size}`;
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', master.libpq, '-c', `VALUES (add_new_package('${pkg}', '', 'transfer-load')); VALUES (add_new_package_version('${pkg}', '1.0', NULL, ''))`]);
    const wheel = path.join(dir, `${pkg}-1.0-cp311-cp311-linux_x86_64.whl`);
    if ((await stat(wheel).catch(() => undefined)) === undefined) await writeBigWheel(wheel, Number(size) * MiB, pkg);
    const mib = (await stat(wheel)).size / MiB;
    const totals: number[] = [];
    for (let run = 1; run <= Number(args.repeat); run++) {
      const { seconds, cpu } = await piwImport(master, ['-y', '--import-queue', master.importQueue, '--file-queue', master.fileQueue, wheel]);
      clientCpu += cpu;
      totals.push(seconds);
      console.log(
        `  ${size} MiB run ${run}: ${(mib / seconds).toFixed(1)} MiB/s start to exit (${seconds.toFixed(2)} s), ` +
          `${(mib / (seconds - startup)).toFixed(1)} MiB/s less start-up; its CPU ${cpu.toFixed(2)} s`,
      );
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    const m = median(totals);
    console.log(`median of ${args.repeat}, ${size} MiB: ${(mib / m).toFixed(1)} MiB/s start to exit, ${(mib / (m - startup)).toFixed(1)} MiB/s less start-up`);
  }
  return clientCpu;
}

await withRealMaster({ root: args.root, dir: args.dir, nodeArgs: args['node-arg'], installed: args.installed }, async (master) => {
  console.log(`${args.sender === 'piw-import' ? `piw-import of ${master.root}` : 'transfer_load.py'} against piw-master of ${master.root}`);
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on it shows in every figure)`);
  const cpu = cpuSeconds(master.child.pid!);
  const faults = minorFaults(master.child.pid!);
  const rss = rssMiB(master.child.pid!);
  let clientFaults: number | undefined;
  const sizes = args.sizes.split(',');
  let client: number;
  if (args.sender === 'piw-import') {
    client = await importWithOurs(master, sizes);
  } else {
    const clientTimes = path.join(args.dir, `piw-bench-transfer-load-times-${process.pid}`);
    execFileSync(
      '/usr/bin/time',
      [
        '-f', '%R %U %S', '-o', clientTimes, '/usr/bin/python3', TRANSFER_LOAD, '--import-queue', master.importQueue, '--file-queue', master.fileQueue, '--sizes', ...sizes,
        '--repeat', args.repeat, '--abi', 'cp311', '--workdir', path.join(args.dir, 'piw-bench-transfer-load-files'),
        '--dsn', master.libpq,
      ],
      { stdio: 'inherit' },
    );
    const [minflt, user, system] = readFileSync(clientTimes, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
    client = user! + system!;
    clientFaults = minflt;
  }
  // CPU per MiB counts each side's work, not its waits for a core
  const mib = sizes.reduce((sum, size) => sum + Number(size), 0) * Number(args.repeat);
  const used = cpuSeconds(master.child.pid!) - cpu;
  const perMiB = (s: number) => `${((s * 1000) / mib).toFixed(2)} ms/MiB`;
  console.log(`master CPU (every thread, register/transfer/verify): ${used.toFixed(2)} s for ${mib} MiB = ${perMiB(used)}`);
  const what = args.sender === 'piw-import' ? 'piw-import, start-up and its SHA-256 of each run included' : 'transfer_load.py, its one SHA-256 of each file included';
  console.log(`client CPU (${what}): ${client.toFixed(2)} s = ${perMiB(client)}`);
  // fresh memory costs a page fault per 4 KiB page, which on this VM is most of a copy's cost
  const perMiBFaults = (n: number) => `${Math.round(n / mib)} minor page faults per MiB`;
  console.log(`master: ${perMiBFaults(minorFaults(master.child.pid!) - faults)}${clientFaults === undefined ? '' : `; client: ${perMiBFaults(clientFaults)}`}`);
  console.log(`master RSS: ${rss.toFixed(0)} MiB before the runs, ${rssMiB(master.child.pid!).toFixed(0)} MiB after`);
});
process.exit(0);
