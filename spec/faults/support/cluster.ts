/**
 * A PostgreSQL cluster of the fault suite's own (the run's shared server must not be restarted under the
 * other test files): initdb and pg_ctl as in the global setup, on a Unix socket in its own directory, with
 * a database of our schema and the master role. `restart()` is `pg_ctl restart -m fast`: every connection
 * is cut and the server comes back seconds later, as on a production upgrade.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../../../schema/connection.js';
import { parseDsn } from '../../../schema/dsn.js';
import { migrate } from '../../../schema/migrations.js';
import { pgBin, runPg } from '../../support/postgres-global-setup.js';

const execFileAsync = promisify(execFile);
import { MASTER_PASSWORD, MASTER_USER } from '../../support/postgres.js';

export class PrivateCluster {
  private constructor(readonly dir: string) {}

  get data(): string {
    return path.join(this.dir, 'data');
  }

  dsn(user: string, password?: string): string {
    const auth = password === undefined ? user : `${user}:${password}`;
    return `postgres://${auth}@${encodeURIComponent(this.dir)}:5432/piwheels`;
  }

  get superDsn(): string {
    return this.dsn('postgres');
  }

  get masterDsn(): string {
    return this.dsn(MASTER_USER, MASTER_PASSWORD);
  }

  static async create(): Promise<PrivateCluster> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'piw-faults-pg-'));
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    const cluster = new PrivateCluster(dir);
    runPg('initdb', ['-D', cluster.data, '-A', 'trust', '--no-sync', '-U', 'postgres', '-E', 'UTF8', '--locale=C']);
    cluster.#ctl('start');
    const admin = await connect(parseDsn(cluster.dsn('postgres').replace(/\/piwheels$/, '/postgres')), { max: 1 });
    try {
      await admin.sql.unsafe(`CREATE ROLE ${MASTER_USER} LOGIN PASSWORD '${MASTER_PASSWORD}' NOSUPERUSER`);
      await admin.sql.unsafe('CREATE DATABASE piwheels');
    } finally {
      await admin.close();
    }
    const db = await connect(parseDsn(cluster.superDsn), { max: 1 });
    try {
      await migrate(db.sql, { username: MASTER_USER, expectFrom: null });
    } finally {
      await db.close();
    }
    return cluster;
  }

  #ctlArgs(action: 'start' | 'restart'): string[] {
    const settings = [`-k ${this.dir}`, '-p 5432', "-c listen_addresses=''", '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'].join(' ');
    return ['-D', this.data, '-o', settings, '-l', path.join(this.dir, 'server.log'), '-m', 'fast', '-w', action];
  }

  #ctl(action: 'start' | 'restart'): void {
    runPg('pg_ctl', this.#ctlArgs(action));
  }

  /**
   * `pg_ctl restart -m fast`: connections cut, the server back once it accepts connections again. Run
   * without blocking, so the slaves in this process keep asking the master throughout.
   */
  async restart(): Promise<void> {
    const args = [pgBin('pg_ctl'), ...this.#ctlArgs('restart')];
    const [command, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0]!, args.slice(1)];
    await execFileAsync(command, argv, { cwd: os.tmpdir() });
  }

  close(): void {
    try {
      runPg('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Not running.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
