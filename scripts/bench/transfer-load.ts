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
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSeconds, loadTool, withRealMaster } from './support/real-master.js';

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
const TRANSFER_LOAD = loadTool('transfer_load.py');

await withRealMaster({ root: args.root, dir: args.dir, nodeArgs: args['node-arg'] }, async (master) => {
  console.log(`transfer_load.py against piw-master of ${master.root}`);
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on it shows in every figure)`);
  const cpu = cpuSeconds(master.child.pid!);
  const sizes = args.sizes.split(',');
  const clientTimes = path.join(args.dir, `piw-bench-transfer-load-times-${process.pid}`);
  execFileSync(
    '/usr/bin/time',
    [
      '-f', '%U %S', '-o', clientTimes, '/usr/bin/python3', TRANSFER_LOAD, '--import-queue', master.importQueue, '--file-queue', master.fileQueue, '--sizes', ...sizes,
      '--repeat', args.repeat, '--abi', 'cp311', '--workdir', path.join(args.dir, 'piw-bench-transfer-load-files'),
      '--dsn', master.libpq,
    ],
    { stdio: 'inherit' },
  );
  // CPU per MiB counts each side's work, not its waits for a core
  const mib = sizes.reduce((sum, size) => sum + Number(size), 0) * Number(args.repeat);
  const used = cpuSeconds(master.child.pid!) - cpu;
  const [user, system] = readFileSync(clientTimes, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  const client = user! + system!;
  const perMiB = (s: number) => `${((s * 1000) / mib).toFixed(2)} ms/MiB`;
  console.log(`master CPU (every thread, register/transfer/verify): ${used.toFixed(2)} s for ${mib} MiB = ${perMiB(used)}`);
  console.log(`client CPU (transfer_load.py, its one SHA-256 of each file included): ${client.toFixed(2)} s = ${perMiB(client)}`);
});
process.exit(0);
