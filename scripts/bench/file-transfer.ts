/**
 * File-transfer benchmark (issue 2, item 9): a 256 MiB file over loopback through the real pieces — the
 * client-transfer machine behind a DEALER (file-sender) in a child process, like a slave on another
 * machine, and the master-transfer machine behind the file ROUTER (file-receiver) here, writing to a
 * pre-sized temp file, then VERIFY: fsync, SHA-256 of what is on disk, chmod, rename into place. Prints
 * figures; asserts nothing (but refuses to print a rate for a file that did not arrive intact).
 *
 *   npx tsx scripts/bench/file-transfer.ts [--mib 256] [--runs 3] [--chunk 64,1024] [--transport tcp|ipc] [--dir /tmp]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/bench/file-transfer.ts --runs 1
 */
import { fork } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../../actors/runtime/logger.js';
import { FileReceiver } from '../../actors/zmq/file-receiver.js';
import { sendFile } from '../../actors/zmq/file-sender.js';
import type { FileStateWire } from '../../protocols/records.js';

const { values: args } = parseArgs({
  options: {
    mib: { type: 'string', default: '256' },
    runs: { type: 'string', default: '3' },
    // KiB per FETCH: 64 is 0.18's; any size works with 0.18 clients
    chunk: { type: 'string', default: '64,1024' },
    transport: { type: 'string', default: 'tcp' },
    dir: { type: 'string', default: '/tmp' },
    // internal: this script re-runs itself as the sending side
    send: { type: 'string' },
    path: { type: 'string' },
  },
});

const log = createLogger('bench', { level: 'warn' });

if (args.send !== undefined) {
  // The slave's side, in its own process: starts when told, so process start-up is not timed.
  await new Promise<void>((resolve) => {
    process.once('message', () => resolve());
    process.send!('ready');
  });
  const outcome = await sendFile({ address: args.send, slaveId: 1, path: args.path!, log });
  process.send!({ outcome: outcome.status });
  process.exit(0);
}

const SIZE = Number(args.mib) * 2 ** 20;
const WHEEL = 'bench-1.0-cp311-cp311-linux_x86_64.whl';
const work = await mkdtemp(join(args.dir, 'piw-bench-ft-'));
const source = join(work, 'source.whl');
const output = join(work, 'simple');
await mkdir(output);

try {
  // Incompressible content, hashed as it is written.
  const hash = createHash('sha256');
  const block = Buffer.allocUnsafe(4 * 2 ** 20);
  const out = await open(source, 'w');
  for (let written = 0; written < SIZE; written += block.length) {
    const part = block.subarray(0, Math.min(block.length, SIZE - written));
    randomFillSync(part);
    hash.update(part);
    await out.write(part);
  }
  await out.close();
  const file: FileStateWire = [WHEEL, SIZE, hash.digest('hex'), 'bench', '1.0', 'cp311', 'cp311', 'linux_x86_64', {}];

  console.log(`file transfer: ${args.mib} MiB over ${args.transport} loopback, sender in a child process`);
  for (const kib of args.chunk.split(',').map(Number)) {
    const address = args.transport === 'ipc' ? `ipc://${work}/file-queue` : 'tcp://127.0.0.1:*';
    const receiver = await FileReceiver.create({ address, tempDir: output, log, chunkSize: kib * 1024 });
    try {
      for (let run = 1; run <= Number(args.runs); run++) {
        const destination = join(output, 'bench', `${run}-${WHEEL}`);
        const child = fork(fileURLToPath(import.meta.url), ['--send', receiver.endpoint, '--path', source], {
          execArgv: process.execArgv,
        });
        const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`sender exited with ${code}`))));
        const next = () => Promise.race([new Promise<unknown>((resolve) => child.once('message', resolve)), exited]);
        await next(); // ready
        await receiver.expect(1, file);
        const started = performance.now();
        child.send('go');
        const { outcome } = (await next()) as { outcome: string };
        const transferred = performance.now();
        const verdict = await receiver.verify(1, destination);
        const verified = performance.now();
        const label = `${kib} KiB chunks, run ${run}`;
        if (outcome !== 'done' || !verdict.ok || (await stat(destination)).size !== SIZE) {
          console.log(`${label}: FAILED (sender: ${outcome}; verify: ${verdict.ok ? 'ok' : verdict.error.message})`);
          process.exitCode = 1;
          continue;
        }
        const rate = (ms: number) => `${((SIZE / ms) * 1000 / 1e6).toFixed(0)} MB/s (${((SIZE / ms) * 1000 / 2 ** 20).toFixed(0)} MiB/s)`;
        console.log(
          `${label}: end to end ${rate(verified - started)} — transfer ${(transferred - started).toFixed(0)} ms ` +
            `(${rate(transferred - started)}), fsync+verify+rename ${(verified - transferred).toFixed(0)} ms`,
        );
        await rm(destination);
      }
    } finally {
      await receiver.close();
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
