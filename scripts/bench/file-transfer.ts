/**
 * File-transfer benchmark (issue 2, item 9): a 256 MiB wheel over loopback through the pieces of the
 * loopback integration test (spec/integration/loopback-harness.ts) — a slave in a child process (REQ client,
 * file sender: fresh DEALER + client-transfer machine) and a master under the root supervisor (Slave Driver
 * with its slave-session machines, File Juggler with its master-transfer machines, writing a pre-sized
 * temp file, then VERIFY: fsync, SHA-256, rename into simple/<pkg>/). The slave gets BUILD, says BUILT,
 * is told SEND, transfers, says SENT and is told DONE only once the wheel is verified and on disk.
 *
 * Prints, per chunk size and run: the transfer alone (HELLO → DONE as the sender sees it) and SEND → DONE
 * (transfer + SENT + VERIFY + LOGBUILD), in MB/s. Asserts nothing, but prints no rate for a run whose
 * wheel is not on disk, whole, under its name.
 *
 *   npx tsx scripts/bench/file-transfer.ts [--mib 256] [--runs 3] [--chunk 64,256] [--transport tcp|ipc] [--dir /tmp]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/bench/file-transfer.ts --runs 1
 */
import { fork } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../../actors/runtime/logger.js';
import { makeWheel, runLoopbackSlave, startLoopbackMaster, type Wheel } from '../../spec/integration/loopback-harness.js';

const { values: args } = parseArgs({
  options: {
    mib: { type: 'string', default: '256' },
    runs: { type: 'string', default: '3' },
    // KiB per FETCH: 64 is what 0.18 asks for, 256 what ours asks of a large file (chunkSizeFor, 16 in
    // flight: pipelineSizeFor); 0.18 clients answer any length
    chunk: { type: 'string', default: '64,256' },
    transport: { type: 'string', default: 'tcp' },
    dir: { type: 'string', default: '/tmp' },
    // internal: this script runs itself as the slave
    slave: { type: 'boolean', default: false },
  },
});

const log = createLogger('bench', { level: 'error' });

type Go = { slaveEndpoint: string; fileEndpoint: string; wheel: Wheel };
type Done = { ok: true; transferMs: number; sendToDoneMs: number; cpuMs: number } | { ok: false; error: string };

if (args.slave) {
  // The slave, in its own process like a Pi on the network; it waits for "go" so start-up is not timed.
  process.on('message', (go: Go | 'stop') => {
    if (go === 'stop') process.exit(0);
    const cpu = process.cpuUsage();
    runLoopbackSlave({ ...go, log }).then(
      (run) => {
        const used = process.cpuUsage(cpu);
        process.send!({ ok: true, transferMs: run.transferMs, sendToDoneMs: run.sendToDoneMs, cpuMs: (used.user + used.system) / 1000 } satisfies Done);
      },
      (err: unknown) => process.send!({ ok: false, error: String(err) } satisfies Done),
    );
  });
  process.send!('ready');
} else {
  await main();
}

async function main(): Promise<void> {
  const size = Number(args.mib) * 2 ** 20;
  const work = await mkdtemp(join(args.dir, 'piw-bench-ft-'));
  const build = join(work, 'build');
  await mkdir(build);
  const child = fork(fileURLToPath(import.meta.url), ['--slave'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const fromChild = () => new Promise<unknown>((resolve) => child.once('message', resolve));
  const ready = fromChild();
  const mbps = (ms: number) => ((size / 1e6 / ms) * 1000).toFixed(0);
  try {
    let wheel = await makeWheel(build, size, 'bench_pkg', '0');
    await ready;
    console.log(
      `file transfer: ${args.mib} MiB wheel, slave → master over ${args.transport} loopback, slave in a child process; ` +
        `${cpus().length} CPUs, Node ${process.version}`,
    );
    let version = 0;
    for (const kib of args.chunk.split(',').map(Number)) {
      const transport = (queue: string) => (args.transport === 'ipc' ? `ipc://${work}/${queue}` : 'tcp://127.0.0.1:*');
      const output = join(work, `www-${kib}`);
      const master = await startLoopbackMaster({ slaveAddress: transport('slave'), fileAddress: transport('file'), output, log, chunkSize: kib * 1024 });
      try {
        for (let run = 1; run <= Number(args.runs); run++) {
          // A new version each run (the same bytes under the wheel name of that version).
          const next = `${++version}`;
          const filename = `bench_pkg-${next}-cp311-cp311-linux_x86_64.whl`;
          await rename(wheel.path, join(build, filename));
          wheel = { ...wheel, path: join(build, filename), version: next, file: [filename, size, wheel.file[2], 'bench_pkg', next, ...wheel.file.slice(5)] as Wheel['file'] };
          master.queue(wheel.package, wheel.version);
          const cpu = process.cpuUsage();
          child.send({ slaveEndpoint: master.slaveEndpoint, fileEndpoint: master.fileEndpoint, wheel } satisfies Go);
          const done = (await fromChild()) as Done;
          const used = process.cpuUsage(cpu);
          const stored = join(output, 'simple', 'bench_pkg', filename);
          const label = `${kib} KiB chunks, run ${run}`;
          const landed = await stat(stored).then((s) => s.size === size, () => false);
          if (!done.ok || !landed || master.builds.length !== run) {
            console.log(`${label}: FAILED (${done.ok ? 'the wheel is not on disk or the build was not logged' : done.error})`);
            process.exitCode = 1;
            continue;
          }
          console.log(
            `${label}: transfer ${done.transferMs.toFixed(0)} ms = ${mbps(done.transferMs)} MB/s; ` +
              `SEND → DONE (transfer, SENT, fsync + verify + rename, LOGBUILD) ${done.sendToDoneMs.toFixed(0)} ms = ${mbps(done.sendToDoneMs)} MB/s; ` +
              `CPU for the whole build: master ${((used.user + used.system) / 1000).toFixed(0)} ms, slave ${done.cpuMs.toFixed(0)} ms`,
          );
          await rm(stored);
        }
      } finally {
        await master.stop();
      }
    }
  } finally {
    child.send('stop');
    await rm(work, { recursive: true, force: true });
  }
}
