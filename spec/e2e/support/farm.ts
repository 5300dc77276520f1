/**
 * The end-to-end tests' farm: real processes on the test run's PostgreSQL server.
 *
 *  - a database of our schema (spec/support/postgres.ts), with build ABIs registered by the superuser as
 *    an operator would;
 *  - the PyPI stand-in, in this process so the tests publish on it at run time; its changelog runs on a
 *    clock the tests step (see `publish`), so the master keeps 0.18's PyPI hold of 5 minutes;
 *  - `piw-master` with its production settings, its addresses moved into a temp dir / free ports and its
 *    page rewrites held `rewriteDelay` seconds;
 *  - `piw-slave`s started by the tests, each with its own build dir and log;
 *  - the static server (scripts/start) on the master's output, and a venv for `pip install`.
 *
 * Every process's output is appended to a log file in the farm's directory and kept for `waitFor`.
 */
import { createHash } from 'node:crypto';
import { readFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Sql } from 'postgres';
import { probePython, type PythonTags } from '../../../actors/slave/machine-facts.js';
import { PYPI_HOLD_SECONDS } from '../../../protocols/pypi/changelog-buffer.js';
import { connect, type Connection } from '../../../schema/connection.js';
import { parseDsn } from '../../../schema/dsn.js';
import { makeSdist, startPypiStandin, type BuiltFile, type ProjectSource, type PypiStandin } from '../../../scripts/pypi-standin/index.js';
import { freePort } from '../../../scripts/start/free-port.js';
import { piwCommand, piwEnvironment, Service, type PiwCommandName } from '../../../scripts/start/processes.js';
import { serveDirectory, type StaticServer } from '../../../scripts/start/static-server.js';
import { createServerDatabase, type ServerDatabase } from '../../support/postgres.js';

/** Polls `probe` until it returns something other than undefined/false; fails after `timeoutMs`. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Runs a command to its end: exit status and all of its output. */
export function runToEnd(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logFile?: string): Promise<{ code: number | null; output: string }> {
  const service = new Service({ name, command, args, env, ...(logFile === undefined ? {} : { logFile }) });
  return service.exited.then(({ code }) => ({ code, output: service.lines.join('\n') }));
}

export interface SlaveOptions {
  label: string;
  python?: string;
  /** Where it sends wheels (default: the master's file queue). */
  fileQueue?: string;
  /** --master-timeout: also how long the master waits before it drops the slave. */
  masterTimeout?: string;
}

export interface Slave {
  readonly label: string;
  readonly service: Service;
  /** The id of the `n`-th connection (0: the first), from the slave's log. */
  slaveId(n?: number): Promise<number>;
  /** Every `(package, version)` it was told to build, in order. */
  builds(): [string, string][];
}

export class Farm {
  readonly dir: string;
  readonly output: string;
  readonly database: ServerDatabase;
  readonly admin: Sql;
  readonly standin: PypiStandin;
  readonly web: StaticServer;
  readonly ports: { slave: number; file: number };
  readonly ipc: (name: string) => string;
  /** --rewrite-delay, in seconds. */
  readonly rewriteDelay: number;
  /** The stand-in's clock (Unix seconds): starts two days back, moved on by `publish`. */
  readonly #clock: { value: number };
  #master: Service | undefined;
  #masters = 0;
  readonly #slaves: Slave[] = [];
  readonly #conn: Connection;

  private constructor(fields: {
    dir: string;
    database: ServerDatabase;
    conn: Connection;
    standin: PypiStandin;
    web: StaticServer;
    ports: { slave: number; file: number };
    clock: { value: number };
    rewriteDelay: number;
  }) {
    this.dir = fields.dir;
    this.output = path.join(fields.dir, 'www');
    this.database = fields.database;
    this.#conn = fields.conn;
    this.admin = fields.conn.sql;
    this.standin = fields.standin;
    this.web = fields.web;
    this.ports = fields.ports;
    this.ipc = (name) => `ipc://${path.join(fields.dir, 'run', name)}`;
    this.#clock = fields.clock;
    this.rewriteDelay = fields.rewriteDelay;
  }

  /** The farm's parts, with `abis` registered; the master is not started yet. */
  static async create(abis: readonly string[], rewriteDelay: number): Promise<Farm> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'piw-e2e-'));
    await Promise.all(['www', 'run', 'logs', 'pypi'].map((d) => mkdir(path.join(dir, d))));
    const database = await createServerDatabase('current');
    const conn = await connect(parseDsn(database.superDsn), { max: 2 });
    // As the operator does on a server: build_abis is the superuser's to change.
    for (const abi of abis) await conn.sql`INSERT INTO build_abis (abi_tag) VALUES (${abi})`;
    const clock = { value: Math.floor(Date.now() / 1000) - 2 * 86_400 };
    const standin = await startPypiStandin({ dir: path.join(dir, 'pypi'), clock: () => clock.value });
    const web = await serveDirectory(path.join(dir, 'www'));
    const ports = { slave: await freePort(), file: await freePort() };
    return new Farm({ dir, database, conn, standin, web, ports, clock, rewriteDelay });
  }

  get indexUrl(): string {
    return `${this.web.url}/simple/`;
  }

  get fileQueue(): string {
    return `tcp://127.0.0.1:${this.ports.file}`;
  }

  log(name: string): string {
    return path.join(this.dir, 'logs', `${name}.log`);
  }

  /**
   * Publishes on the stand-in — each item one second after the one before, in order — then moves the
   * changelog's clock on past 0.18's PyPI hold and logs an event piwheels ignores: the master acts on
   * changelog events only once they are 5 minutes older than the newest it has read (PyPIBuffer).
   */
  async publish(items: readonly (ProjectSource | { name: string; version: string; file: BuiltFile })[]): Promise<void> {
    const clock = this.#clock;
    for (const item of items) {
      clock.value += 1;
      if ('files' in item) await this.standin.publish(item, { timestamp: clock.value });
      else await this.standin.addFile(item.name, item.version, item.file, { timestamp: clock.value });
    }
    clock.value += PYPI_HOLD_SECONDS + 1;
    this.standin.registry.addEvent('piw-e2e-clock', null, 'docupdate');
  }

  get master(): Service {
    if (this.#master === undefined) throw new Error('the master has not been started');
    return this.#master;
  }

  /** Starts piw-master (again, after `stopMaster`) with the same settings; resolves once it is ready. */
  async startMaster(): Promise<Service> {
    const [command, args] = piwCommand('piw-master');
    const master = new Service({
      name: `piw-master #${++this.#masters}`,
      command,
      args: [
        ...args,
        '--verbose',
        '--dsn', this.database.masterDsn,
        '--output-path', this.output,
        '--pypi-xmlrpc', this.standin.xmlrpcUrl,
        '--pypi-json', this.standin.jsonUrl,
        '--pypi-simple', this.standin.simpleUrl,
        '--rewrite-delay', String(this.rewriteDelay),
        '--slave-queue', `tcp://127.0.0.1:${this.ports.slave}`,
        '--file-queue', this.fileQueue,
        '--status-queue', this.ipc('status'),
        '--control-queue', this.ipc('control'),
        '--import-queue', this.ipc('import'),
        '--log-queue', this.ipc('log'),
      ],
      env: piwEnvironment(),
      logFile: this.log('master'),
    });
    this.#master = master;
    await master.waitFor(/all tasks ready/, { timeoutMs: 120_000 });
    return master;
  }

  /** Stops the master as systemd would (SIGTERM); resolves with its exit status. */
  async stopMaster(): Promise<number | null> {
    const { code } = await this.master.stop(60_000);
    return code;
  }

  async startSlave(opts: SlaveOptions): Promise<Slave> {
    const [command, args] = piwCommand('piw-slave');
    const buildDir = path.join(this.dir, `build-${opts.label}`);
    await mkdir(buildDir);
    const service = new Service({
      name: `piw-slave ${opts.label}`,
      command,
      args: [
        ...args,
        '--verbose',
        '--slave-queue', `tcp://127.0.0.1:${this.ports.slave}`,
        '--file-queue', opts.fileQueue ?? this.fileQueue,
        '--dir', buildDir,
        '--label', opts.label,
        '--python', opts.python ?? 'python3',
        '--master-timeout', opts.masterTimeout ?? '20s',
      ],
      env: piwEnvironment({ PIP_CONFIG_FILE: os.devNull }),
      logFile: this.log(`slave-${opts.label}`),
    });
    const slave: Slave = {
      label: opts.label,
      service,
      slaveId: (n = 0) =>
        waitUntil(`connection ${n + 1} of slave ${opts.label}`, () => {
          if (!service.running) throw new Error(`slave ${opts.label} has exited:\n${service.tail()}`);
          const ids = service.lines.flatMap((line) => /Connected to master as slave (\d+)/.exec(line)?.[1] ?? []);
          return ids.length > n ? Number(ids[n]) : undefined;
        }),
      builds: () =>
        service.lines.flatMap((line) => {
          const m = /Building package (\S+) version (\S+)/.exec(line);
          return m === null ? [] : [[m[1]!, m[2]!] as [string, string]];
        }),
    };
    this.#slaves.push(slave);
    return slave;
  }

  /** Runs one of the tools (piw-import, piw-remove, ...) to its end. */
  tool(name: PiwCommandName, toolArgs: string[]): Promise<{ code: number | null; output: string }> {
    const [command, args] = piwCommand(name);
    return runToEnd(name, command, [...args, ...toolArgs], piwEnvironment(), this.log(name));
  }

  /** The wheels `simple/<pkg>/index.html` links to: filename → the link's SHA-256; undefined when absent. */
  async indexLinks(pkg: string): Promise<Map<string, string> | undefined> {
    const page = await readFile(path.join(this.output, 'simple', pkg, 'index.html'), 'utf8').catch(() => undefined);
    if (page === undefined) return undefined;
    return new Map([...page.matchAll(/<a href="([^"#]+)#sha256=([0-9a-f]{64})"/g)].map((m) => [m[1]!, m[2]!]));
  }

  async projectPage(pkg: string): Promise<string | undefined> {
    return readFile(path.join(this.output, 'project', pkg, 'index.html'), 'utf8').catch(() => undefined);
  }

  /** Temp files of transfers left in `simple/`. */
  async transferLeftovers(): Promise<string[]> {
    return (await readdir(path.join(this.output, 'simple'))).filter((name) => name.startsWith('.piw-transfer-'));
  }

  async builds(pkg: string): Promise<{ build_id: number; version: string; built_by: number; status: boolean; abi_tag: string; output: string | null }[]> {
    return this.admin`
      SELECT b.build_id, b.version, b.built_by, b.status, b.abi_tag, o.output
      FROM builds b LEFT JOIN output o USING (build_id)
      WHERE b.package = ${pkg} ORDER BY b.build_id`;
  }

  async files(pkg: string): Promise<{ filename: string; build_id: number; filesize: number; filehash: string; abi_tag: string }[]> {
    return this.admin`
      SELECT f.filename, f.build_id, f.filesize, f.filehash, f.abi_tag
      FROM files f JOIN builds b USING (build_id)
      WHERE b.package = ${pkg} ORDER BY f.filename`;
  }

  /** Stops every process (slaves first), the servers, and removes the database and the directory. */
  async close(): Promise<void> {
    await Promise.all(this.#slaves.map((s) => s.service.stop(10_000)));
    if (this.#master !== undefined) await this.#master.stop(30_000);
    await this.web.close();
    await this.standin.close();
    await this.#conn.close();
    await this.database.drop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A fresh venv (Python's own venv module) for `pip install`, with pip talking to nothing but `indexUrl`. */
export class Venv {
  private constructor(
    readonly dir: string,
    readonly python: string,
  ) {}

  static async create(dir: string, python = 'python3'): Promise<Venv> {
    const made = await runToEnd('venv', python, ['-m', 'venv', dir], process.env);
    if (made.code !== 0) throw new Error(`python3 -m venv failed:\n${made.output}`);
    return new Venv(dir, path.join(dir, 'bin', 'python'));
  }

  /** `pip install --no-deps` from `indexUrl` only; `reinstall` fetches it again even if installed. */
  install(indexUrl: string, pkg: string, opts: { reinstall?: boolean } = {}): Promise<{ code: number | null; output: string }> {
    const args = ['-m', 'pip', 'install', '--no-deps', '--no-cache-dir', '--disable-pip-version-check', ...(opts.reinstall ? ['--force-reinstall'] : [])];
    return runToEnd('pip', this.python, [...args, '--index-url', indexUrl, pkg], {
      ...process.env,
      PIP_CONFIG_FILE: os.devNull,
    });
  }

  run(code: string): Promise<{ code: number | null; output: string }> {
    return runToEnd('python', this.python, ['-c', code], process.env);
  }
}

/** The Python's wheel tags, or a clear error naming the Debian packages that provide it. */
export async function pythonTags(python: string, packages: string): Promise<PythonTags> {
  try {
    return await probePython(python);
  } catch (err) {
    throw new Error(`${python} is needed for the end-to-end tests (${(err as Error).message}): apt-get install ${packages} (.ci/run installs it)`);
  }
}

/** An sdist written to `dir`. */
export async function writeSdist(dir: string, source: ProjectSource): Promise<string> {
  const sdist = makeSdist(source);
  const file = path.join(dir, sdist.filename);
  await writeFile(file, sdist.content);
  return file;
}
