/**
 * Site-rebuild benchmark through an independent client: ../shared/loadtools/site_rebuild.py seeds a synthetic
 * catalogue straight into a real master's database (support/real-master.ts) before the master starts (the
 * tool's instructions: the master starts up knowing the whole catalogue, as a long-running production master
 * would), then sends REBUILD BOTH on the import queue as piw-rebuild does and times every page rewritten on
 * disk (inotify): the whole path from the import queue to the last page, not the Scribe alone
 * (scripts/bench/pages.ts). Meanwhile ../shared/loadtools/slave_load.py keeps `--slaves` slaves talking to the
 * master, pacing like real ones (`--think` seconds between requests), over the first `--slave-duration`
 * seconds of the rebuild: how long a slave waits for its answer while the site is written. Prints both
 * tools' lines and the master's CPU (per page) and RSS over the rebuild. `--root` runs another checkout's
 * master for before/after.
 *
 *   npx tsx scripts/bench/independent-rebuild.ts [--packages 20000] [--repeat 1] [--root DIR]
 *       [--slaves 100] [--think 5-10] [--slave-duration 20] [--master-log FILE] [--node-arg=--cpu-prof …]
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { cpuSeconds, loadTool, rssMiB, withRealMaster } from './support/real-master.js';

const { values: args } = parseArgs({
  options: {
    packages: { type: 'string', default: '20000' },
    repeat: { type: 'string', default: '1' },
    root: { type: 'string' },
    dir: { type: 'string', default: tmpdir() },
    'node-arg': { type: 'string', multiple: true, default: [] },
    'master-log': { type: 'string' },
    slaves: { type: 'string', default: '100' },
    think: { type: 'string', default: '5-10' },
    'slave-duration': { type: 'string', default: '20' },
  },
});
const SITE_REBUILD = loadTool('site_rebuild.py');
const SLAVE_LOAD = loadTool('slave_load.py');
const WARMUP_S = 3;

/** User and system CPU seconds from a /proc stat file (fields 14, 15; USER_HZ 100). */
function userSystem(path: string): { user: number; system: number } {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

/** CPU seconds of the master's main thread: its event loop (rendering, the actors, the slaves' answers). */
function mainThreadCpu(pid: number): number {
  const { user, system } = userSystem(`/proc/${pid}/task/${pid}/stat`);
  return user + system;
}

const seed = (ownerLibpq: string) =>
  execFileSync('/usr/bin/python3', [SITE_REBUILD, 'seed', '--dsn', ownerLibpq, '--packages', args.packages, '--abi', 'cp311'], { stdio: ['ignore', 'inherit', 'inherit'] });

await withRealMaster(
  { root: args.root, dir: args.dir, nodeArgs: args['node-arg'], prepare: seed, ...(args['master-log'] === undefined ? {} : { logFile: args['master-log'] }) },
  async (master) => {
    const pid = master.child.pid!;
    console.log(`site_rebuild.py (${args.packages} packages) against piw-master of ${master.root}`);
    console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on it shows in every figure)`);
    // the slaves say hello and warm up, then measure while the rebuild runs
    const slaves = Number(args.slaves) > 0
      ? spawn(
          '/usr/bin/python3',
          [SLAVE_LOAD, '--slave-queue', master.slaveQueue, '--slaves', args.slaves, '--think', args.think, '--warmup', String(WARMUP_S), '--duration', args['slave-duration'], '--repeat', '1', '--abi', 'cp311'],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        )
      : undefined;
    let slaveOutput = '';
    slaves?.stdout!.on('data', (d) => (slaveOutput += String(d)));
    const slavesDone = slaves && new Promise((resolve) => slaves.once('exit', resolve));
    if (slaves) await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
    const rssBefore = rssMiB(pid);
    const cpu = cpuSeconds(pid);
    const mainCpu = mainThreadCpu(pid);
    const systemCpu = userSystem(`/proc/${pid}/stat`).system;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMiB(pid))), 250);
    // a child of its own, not execFileSync: this event loop must keep reading the master's log, or the
    // master blocks writing it (stderr is a pipe, written synchronously)
    const rebuild = spawn(
      '/usr/bin/python3',
      [SITE_REBUILD, 'rebuild', '--import-queue', master.importQueue, '--output', master.output, '--dsn', master.libpq, '--part', 'BOTH', '--repeat', args.repeat],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    rebuild.stdout.on('data', (d) => {
      output += String(d);
      process.stdout.write(d);
    });
    const code = await new Promise((resolve) => rebuild.once('exit', resolve));
    if (code !== 0) throw new Error(`site_rebuild.py rebuild exited with ${String(code)}`);
    clearInterval(sampler);
    const used = cpuSeconds(pid) - cpu;
    const main = mainThreadCpu(pid) - mainCpu;
    const system = userSystem(`/proc/${pid}/stat`).system - systemCpu;
    const pages = Number(/-> (\d+) pages expected/.exec(output)?.[1] ?? 0) * Number(args.repeat);
    const perPage = (s: number) => (pages > 0 ? ` (${((s * 1e6) / pages).toFixed(0)} µs per page)` : '');
    console.log(
      `master CPU over the rebuild: ${used.toFixed(2)} s${perPage(used)}, slaves' included; RSS ${rssBefore.toFixed(0)} MiB before, peak ${rssPeak.toFixed(0)}, ${rssMiB(pid).toFixed(0)} MiB after`,
    );
    console.log(`  of which the main thread (event loop) ${main.toFixed(2)} s${perPage(main)}, other threads (writers, zmq, GC) ${(used - main).toFixed(2)} s${perPage(used - main)}; system time (the kernel's file work) ${system.toFixed(2)} s${perPage(system)}`);
    if (slaves) {
      await slavesDone;
      process.stdout.write(`slave_load.py, ${args.slaves} slaves thinking ${args.think} s, over the first ${args['slave-duration']} s of the rebuild:\n${slaveOutput}`);
    }
  },
);
process.exit(0);
