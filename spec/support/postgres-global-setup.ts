/**
 * jest globalSetup: a throwaway PostgreSQL cluster for the test run (see jest.config.js).
 *
 * When PGHOST is already set the suite uses that server instead, connecting as PGUSER, which must be a
 * superuser. Otherwise globalSetup runs initdb and pg_ctl (as the `postgres` user when running as root,
 * since PostgreSQL refuses to run as root) for a cluster in a temporary directory: Unix socket only,
 * trust authentication, fsync off. Either way it creates the unprivileged master role `piwheels` (the
 * tests' master user) and exports PGHOST, PGPORT, PGUSER and PGDATABASE, which test workers inherit.
 * globalTeardown (postgres-global-teardown.ts, same process) stops the cluster and removes its directory
 * through the function left in `globalThis.__piwPostgresTeardown`; so does process exit, should the run be
 * cut short.
 *
 * Imports node built-ins only: jest loads this hook outside its module mapping.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PORT = '5432';

export function pgBin(name: string): string {
  const dirs = process.env.PIW_TEST_PG_BINDIR
    ? [process.env.PIW_TEST_PG_BINDIR]
    : existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .filter((v) => /^\d+$/.test(v))
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : [];
  return dirs.map((d) => path.join(d, name)).find((p) => existsSync(p)) ?? name;
}

/** Runs a PostgreSQL program, as `postgres` when we are root. */
export function runPg(program: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', pgBin(program), ...args]] : [pgBin(program), args];
  const result = spawnSync(cmd, argv, { cwd: os.tmpdir(), encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${program} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout || result.error}`);
  }
}

function psql(sql: string): void {
  execFileSync(pgBin('psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres', '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function stopCluster(dir: string): void {
  if (!existsSync(dir)) return;
  try {
    runPg('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  } catch {
    // Already stopped.
  }
  rmSync(dir, { recursive: true, force: true });
}

export default async function setup(): Promise<void> {
  if (!process.env.PGHOST) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'piw-pgtest-'));
    if (process.getuid?.() === 0) {
      const pw = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
      const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
      chownSync(dir, Number(pw), Number(gid));
    }
    process.on('exit', () => stopCluster(dir));
    (globalThis as { __piwPostgresTeardown?: () => void }).__piwPostgresTeardown = () => stopCluster(dir);
    const data = path.join(dir, 'data');
    runPg('initdb', ['-D', data, '-A', 'trust', '--no-sync', '-U', 'postgres', '-E', 'UTF8', '--locale=C']);
    const settings = [
      `-k ${dir}`,
      `-p ${PORT}`,
      "-c listen_addresses=''",
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    runPg('pg_ctl', ['-D', data, '-o', settings, '-l', path.join(dir, 'server.log'), '-w', 'start']);
    Object.assign(process.env, { PGHOST: dir, PGPORT: PORT, PGUSER: 'postgres', PGDATABASE: 'postgres' });
  }
  process.env.PGDATABASE ||= 'postgres';
  psql(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'piwheels') THEN
        CREATE ROLE piwheels LOGIN PASSWORD 'piwheels' NOSUPERUSER;
      END IF;
    END $$`);
}
