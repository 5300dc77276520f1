/**
 * Slave-protocol benchmark through an independent client: ../shared/loadtools/slave_load.py (pyzmq + cbor2,
 * as real 0.18 slaves are: HELLO → IDLE → SLEEP …) against a real piw-master process on a real PostgreSQL
 * (support/real-master.ts), so the figures do not come from our own client code. Prints slave_load.py's
 * lines (replies/s, p50/p99 per level), then the master's CPU time per reply and its RSS before, at the
 * end of the load, and 10 s after it stopped (whether it let go of what the slaves cost). `--root` runs
 * another checkout's master against the same client, for before/after figures in one sitting.
 *
 *   npx tsx scripts/bench/independent-slaves.ts [--slaves 10,500] [--duration 20] [--repeat 1] [--root DIR]
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { cpuSeconds, loadTool, rssMiB, withRealMaster } from './support/real-master.js';

const { values: args } = parseArgs({
  options: {
    slaves: { type: 'string', default: '10,500' },
    duration: { type: 'string', default: '20' },
    repeat: { type: 'string', default: '1' },
    root: { type: 'string' },
    dir: { type: 'string', default: tmpdir() },
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const SLAVE_LOAD = loadTool('slave_load.py');

await withRealMaster({ root: args.root, dir: args.dir, nodeArgs: args['node-arg'] }, async (master) => {
  const pid = master.child.pid!;
  console.log(`slave_load.py against piw-master of ${master.root}`);
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on it shows in every figure)`);
  const rssBefore = rssMiB(pid);
  const cpu = cpuSeconds(pid);
  const output = execFileSync(
    '/usr/bin/python3',
    [SLAVE_LOAD, '--slave-queue', master.slaveQueue, '--slaves', ...args.slaves.split(','), '--duration', args.duration, '--repeat', args.repeat, '--abi', 'cp311', '--procs', '2'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  process.stdout.write(output);
  const rssEnd = rssMiB(pid);
  const used = cpuSeconds(pid) - cpu;
  // each run line counts the replies it measured by verb: verbs {'SLEEP': 21134}
  const replies = [...output.matchAll(/verbs \{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/: (\d+)/g)]).reduce((sum, m) => sum + Number(m[1]), 0);
  await new Promise((r) => setTimeout(r, 10_000));
  const idle = cpuSeconds(pid);
  await new Promise((r) => setTimeout(r, 1_000));
  console.log(`master CPU over the runs, warm-ups included: ${used.toFixed(2)} s${replies > 0 ? ` (${((used * 1e6) / replies).toFixed(0)} µs per measured reply, ${replies} replies)` : ''}`);
  console.log(`master RSS: ${rssBefore.toFixed(0)} MiB before, ${rssEnd.toFixed(0)} MiB at the end of the load, ${rssMiB(pid).toFixed(0)} MiB 10 s after; CPU in the 11th second after: ${((cpuSeconds(pid) - idle) * 100).toFixed(0)}%`);
});
process.exit(0);
