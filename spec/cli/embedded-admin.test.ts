/**
 * Administering the embedded database while piw-master runs on it (issue 13): Debian's real psql through
 * the master's operator socket, piw-abis and piw-add, all against a real piw-master process; then
 * piw-abis again with the master stopped. An operator's settings do not stay with the master's session.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../actors/master/support/world.js';
import { MASTER_READY, masterAddressArgs, spawnMasterIn } from './master-process.js';
import { runTool } from './piw-import-support.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
const children = new Set<ChildProcess>();
beforeEach(async () => {
  dir = await tempDir('piw-embedded-admin-');
});
afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await dir.remove();
});

function psql(pgdata: string, ...commands: string[]) {
  const args = ['-h', pgdata, '-U', 'postgres', '-X', '-At', '-v', 'ON_ERROR_STOP=1', 'postgres', ...commands.flatMap((c) => ['-c', c])];
  return spawnSync('psql', args, { encoding: 'utf8', env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
}

test('psql, piw-abis and piw-add on the embedded database with the master running, then piw-abis without it', async () => {
  const pgdata = path.join(dir.path, 'pgdata');
  const dsn = `pglite:${pgdata}`;
  const master = spawnMasterIn(dir.path, children, ['-v', '-d', dsn, ...masterAddressArgs(dir.path)]);
  await master.waitFor(MASTER_READY);
  expect(master.stderr()).toContain(`operators reach it with: psql -h ${pgdata} -U postgres postgres`);
  const socket = path.join(pgdata, '.s.PGSQL.5432');
  expect((await stat(socket)).mode & 0o777).toBe(0o600);

  const abis = (...args: string[]) => runTool('piw-abis', args);
  expect(await abis('add', '-d', dsn, 'cp311', 'cp312')).toMatchObject({ code: 0, stdout: 'cp311: added\ncp312: added\n' });
  expect(await abis('retire', '-d', dsn, '-s', 'end of life', 'cp312')).toMatchObject({ code: 0, stdout: 'cp312: retired\n' });
  expect(await abis('add', '-d', dsn, 'cp311')).toMatchObject({ code: 0, stdout: 'cp311: unchanged\n' });
  const list = await abis('list', '-d', dsn);
  expect(list).toMatchObject({ code: 0 });
  expect(list.stdout.split('\n')).toEqual(['ABI    STATUS                BUILDS  QUEUED', 'cp311  building              0       0', 'cp312  retired: end of life  0       0', '']);
  const unknown = await abis('retire', '-d', dsn, 'cp27mu');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('unknown build ABI cp27mu');

  // psql reads what piw-abis wrote; the operator's SET ROLE and search_path leave with them.
  const read = psql(pgdata, 'SELECT current_user', 'SELECT abi_tag, skip FROM build_abis ORDER BY 1', 'SET ROLE postgres', "SET search_path = 'nowhere'");
  expect(read.stderr).toBe('');
  expect(read.stdout).toBe('piwheels\ncp311|\ncp312|end of life\nSET\nSET\n');

  // The master still works (its queries name tables without a schema): piw-add through it.
  const importQueue = `ipc://${path.join(dir.path, 'import')}`;
  const added = await runTool('piw-add', ['--import-queue', importQueue, '-y', '-d', 'A package', 'Frob']);
  expect(added).toMatchObject({ code: 0, stdout: 'Added package: frob\n' });
  const check = psql(pgdata, 'SELECT current_user', "SELECT package, description FROM packages WHERE package = 'frob'");
  expect(check.stdout).toBe('piwheels\nfrob|A package\n');

  master.child.kill('SIGTERM');
  expect((await master.exited).code).toBe(0);
  await expect(access(socket)).rejects.toThrow();
  const after = await abis('list', '--json', '-d', dsn);
  expect(after.code).toBe(0);
  expect(JSON.parse(after.stdout)).toEqual([
    { abi: 'cp311', skip: '', builds: 0, queued: 0 },
    { abi: 'cp312', skip: 'end of life', builds: 0, queued: 0 },
  ]);
}, 240_000);

test('piw-abis on a directory with no database names piw-initdb; bad tags exit 2', async () => {
  const empty = await runTool('piw-abis', ['list', '-d', `pglite:${path.join(dir.path, 'none')}`]);
  expect(empty.code).toBe(1);
  expect(empty.stderr).toContain('piw-initdb -d pglite:');
  const bad = await runTool('piw-abis', ['add', '-d', `pglite:${path.join(dir.path, 'none')}`, 'none']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('"none" is not the ABI of a builder');
}, 120_000);
