/**
 * Site-rebuild benchmark through an independent client: ../shared/loadtools/site_rebuild.py seeds a synthetic
 * catalogue straight into a real master's database (support/real-master.ts), then sends REBUILD BOTH on the
 * import queue as piw-rebuild does and times every page rewritten on disk (inotify): the whole path from
 * the import queue to the last page, not the Scribe alone (scripts/bench/pages.ts). Prints its lines and
 * the master's CPU and RSS over the rebuild. `--root` runs another checkout's master for before/after.
 *
 *   npx tsx scripts/bench/independent-rebuild.ts [--packages 20000] [--repeat 1] [--root DIR]
 */
import { execFileSync } from 'node:child_process';
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
  },
});
const SITE_REBUILD = loadTool('site_rebuild.py');

await withRealMaster({ root: args.root, dir: args.dir, nodeArgs: args['node-arg'] }, async (master) => {
  const pid = master.child.pid!;
  console.log(`site_rebuild.py (${args.packages} packages) against piw-master of ${master.root}`);
  execFileSync('/usr/bin/python3', [SITE_REBUILD, 'seed', '--dsn', master.ownerLibpq, '--packages', args.packages, '--abi', 'cp311'], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on it shows in every figure)`);
  const rssBefore = rssMiB(pid);
  const cpu = cpuSeconds(pid);
  execFileSync(
    '/usr/bin/python3',
    [SITE_REBUILD, 'rebuild', '--import-queue', master.importQueue, '--output', master.output, '--dsn', master.libpq, '--part', 'BOTH', '--repeat', args.repeat],
    { stdio: 'inherit' },
  );
  console.log(`master CPU over the rebuild: ${(cpuSeconds(pid) - cpu).toFixed(2)} s; RSS ${rssBefore.toFixed(0)} MiB before, ${rssMiB(pid).toFixed(0)} MiB after`);
});
process.exit(0);
