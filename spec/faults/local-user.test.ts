/**
 * Issue 11, a second local user against every ipc socket of piw-master (a real process): the socket files
 * are the only thing in the way (their directory is opened to everyone for the test). A user who is not in
 * the master's group cannot connect to any of them — not to QUIT the master, REMOVE a package, feed the
 * download statistics or read the status stream — while the master's own user can (the probe's check that
 * it works at all). Needs root (to add the user and run as it), as CI has.
 */
import { spawn } from 'node:child_process';
import { chmod, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canSwitchUser, secondUser } from '../actors/ipc/support/squatter.js';
import { printReport, record } from './support/report.js';
import { seedVersions } from './support/checks.js';
import { faultWorld, type FaultWorld } from './support/world.js';

const PROBE = fileURLToPath(new URL('./support/ipc-probe.ts', import.meta.url));

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});
afterAll(() => printReport('a second local user'));

interface ProbeResult {
  uid: number;
  connect: Record<'status' | 'control' | 'import' | 'log', string>;
  peer: Record<'status' | 'control' | 'import' | 'log', string>;
}

function probe(addresses: string[], as?: { uid: number; gid: number }, harmless = false): Promise<ProbeResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', PROBE, ...addresses, ...(harmless ? ['--harmless'] : [])], {
    cwd: path.dirname(PROBE),
    env: { PATH: process.env.PATH, HOME: '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(as ?? {}),
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (err += String(d)));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ProbeResult) : reject(new Error(`the probe failed (${code}): ${err}`)))),
  );
}

(canSwitchUser ? test : test.skip)('another user cannot connect to any ipc socket of the master; the master\'s own user can', async () => {
  const { uid, gid } = secondUser();
  const other = { uid, gid };
  world = await faultWorld('postgres');
  const { master } = world;
  await world.admin((sql) => seedVersions(sql, 1));
  // Only the socket files' own modes stand in the way.
  await chmod(world.dir, 0o755);
  await chmod(path.join(world.dir, 'run'), 0o755);
  await master.start();
  const a = master.addresses;
  const addresses = [a.status, a.control, a.import, a.log];

  const own = await probe(addresses, undefined, true);
  const stranger = await probe(addresses, other);
  for (const [who, r] of [['master\'s user', own], ['another user', stranger]] as const) {
    record('ipc sockets', { user: `${who} (uid ${r.uid})`, ...Object.fromEntries(Object.entries(r.connect).map(([k, v]) => [`${k} connect`, v])), 'status stream': r.peer.status, 'import answer': r.peer.import });
  }
  expect(own.connect).toEqual({ status: 'connected', control: 'connected', import: 'connected', log: 'connected' });
  expect(own.peer).toMatchObject({ status: 'received', import: 'answered DONE' });
  expect(stranger.connect).toEqual({ status: 'EACCES', control: 'EACCES', import: 'EACCES', log: 'EACCES' });
  expect(stranger.peer).toMatchObject({ status: 'nothing', import: 'no answer' });

  // Nothing the stranger tried took effect: the master runs, the package is there, no QUIT was logged.
  expect(master.service.running).toBe(true);
  expect(await master.stop()).toBe(0);
  const log = await readFile(master.logFile, 'utf8');
  expect(log).not.toMatch(/shutting down on QUIT/);
  const [pkg] = await world.admin((sql) => sql`SELECT package FROM packages WHERE package = 'fault-pkg-0'`);
  expect(pkg).toEqual({ package: 'fault-pkg-0' });
}, 120_000);
