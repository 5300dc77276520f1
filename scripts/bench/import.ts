/**
 * piw-import benchmark (issue 5, item 8): a 256 MiB wheel imported end to end — piw-import as a real
 * process (cli/piw-import.ts through tsx: reads the zip's METADATA, hashes the file, asks Mr Chase over
 * ipc, sends the file to the File Juggler over tcp loopback, says SENT) against Mr Chase, the File
 * Juggler (temp file, fsync, SHA-256, rename into simple/foo/), the Oracle on a real PostgreSQL (a
 * throwaway cluster as the tests start one, or the server PGHOST names) and the Scribe writing foo's pages.
 *
 * Prints, per run and as the median of the runs:
 *   end to end   from starting piw-import until it exited 0 (process start-up and the local SHA-256 included)
 *   master side  from Mr Chase receiving IMPORT until it asked for foo's pages (EXPECT, the transfer,
 *                VERIFY with fsync and re-hash, the commit, LOGBUILD), i.e. what the master spent
 * with the master side's phases (from Mr Chase's log), and, for scale, how long piw-import takes to start and
 * exit doing nothing (`--version`) and how fast this machine hashes the wheel in memory.
 * Checks that the wheel arrived intact; asserts nothing about speed.
 *
 *   npx tsx scripts/bench/import.ts [--mib 256] [--runs 3] [--dir /tmp]
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fileSha256 } from '../../actors/slave/built-wheel.js';
import startPostgres from '../../spec/support/postgres-global-setup.js';
import teardownPostgres from '../../spec/support/postgres-global-teardown.js';
import { openBackend } from '../../spec/support/postgres.js';
import { startWorld } from '../../spec/actors/mr-chase/world.js';
import { writeBigWheel } from './support/big-wheel.js';

const { values: args } = parseArgs({
  options: {
    mib: { type: 'string', default: '256' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string', default: tmpdir() },
  },
});
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FILENAME = 'foo-1.0-cp311-cp311-linux_x86_64.whl';
const MiB = 2 ** 20;

function runImport(argv: string[]): Promise<{ code: number; ms: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/piw-import.ts', ...argv], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, ms: performance.now() - started, stderr }));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (bytes: number, ms: number) => `${(bytes / MiB / (ms / 1000)).toFixed(1)} MiB/s`;

async function main(): Promise<void> {
  const runs = Number(args.runs);
  const dir = await mkdtemp(join(args.dir, 'piw-bench-import-'));
  await startPostgres();
  const backend = await openBackend('postgres');
  const world = await startWorld(backend);
  try {
    await world.seed({ abis: ['cp311'], versions: [['foo', '1.0']] });
    const wheel = join(dir, FILENAME);
    const made = performance.now();
    await writeBigWheel(wheel, Number(args.mib) * MiB);
    const { size } = await stat(wheel);
    const hash = await fileSha256(wheel);
    console.log(`wheel: ${FILENAME}, ${(size / MiB).toFixed(1)} MiB, made in ${((performance.now() - made) / 1000).toFixed(1)} s`);
    console.log(`database: PostgreSQL at ${process.env.PGHOST ?? 'localhost'} (${process.env.PIW_TEST_PG_BINDIR ?? 'throwaway test cluster'})`);
    console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

    const startup: number[] = [];
    for (let i = 0; i < runs; i++) startup.push((await runImport(['--version'])).ms);
    console.log(`piw-import start-up and exit (--version): median ${median(startup).toFixed(0)} ms`);

    const total: number[] = [];
    const master: number[] = [];
    for (let run = 1; run <= runs; run++) {
      await backend.admin((sql) => sql`DELETE FROM builds`);
      await rm(join(world.output, 'simple', 'foo'), { recursive: true, force: true });
      world.log.entries.length = 0;
      let asked = 0;
      world.onWeb = async () => void (asked = performance.now());
      const r = await runImport(['-y', '--import-queue', world.address, '--file-queue', world.fileQueue, wheel]);
      if (r.code !== 0) throw new Error(`piw-import failed (${r.code}): ${r.stderr}`);
      // the log's clock is Date's; the pages request is converted to it through the difference of the clocks
      const at = (text: string) => world.log.entries.find((e) => e.name === 'master.mr_chase' && e.message.includes(text))!.time.getTime();
      const received = at('<< IMPORT');
      const pages = asked - performance.now() + Date.now();
      const masterMs = pages - received;
      // the session's order: the build is logged once its file is verified
      const phases = [
        ['EXPECT', received, at(`: send ${FILENAME}`)],
        ['SEND → SENT (the transfer)', at(`: send ${FILENAME}`), at('<< SENT')],
        ['VERIFY', at('<< SENT'), at('verified transfer')],
        ['LOGBUILD', at('verified transfer'), at('registered build')],
        ['to BOTH', at('registered build'), pages],
      ] as const;
      const arrived = join(world.output, 'simple', 'foo', FILENAME);
      if ((await fileSha256(arrived)) !== hash) throw new Error('the imported wheel is not the one sent');
      total.push(r.ms);
      master.push(masterMs);
      console.log(`run ${run}: end to end ${(r.ms / 1000).toFixed(2)} s = ${rate(size, r.ms)}; master side ${(masterMs / 1000).toFixed(2)} s = ${rate(size, masterMs)}`);
      console.log(`       ${phases.map(([what, from, to]) => `${what} ${Math.round(to - from)} ms`).join(', ')}`);
    }
    console.log(`median of ${runs}: end to end ${rate(size, median(total))}; master side ${rate(size, median(master))}`);
    const hashOnly = performance.now();
    createHash('sha256').update(await readFile(wheel)).digest('hex');
    console.log(`for scale: SHA-256 of the wheel in memory here ${rate(size, performance.now() - hashOnly)}`);
  } finally {
    await world.close();
    await backend.close();
    await rm(dir, { recursive: true, force: true });
    await teardownPostgres();
  }
}

await main();
