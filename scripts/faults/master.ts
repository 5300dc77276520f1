/**
 * piw-master as a real process for the fault suite and the soak: every address in its own directory or on
 * a free loopback port (never the default /tmp/piw-* sockets), PyPI unreachable (nothing but what the test
 * puts in the database is ever built), and the means to measure and break it: its RSS, kill -9, restart
 * with the same settings.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../start/free-port.js';
import { piwCommand, piwEnvironment, Service } from '../start/processes.js';

export interface MasterAddresses {
  slave: string;
  file: string;
  status: string;
  control: string;
  import: string;
  log: string;
}

export interface MasterProcessOptions {
  /** A directory of the caller's: the sockets go in `run/`, the site in `www/`, logs in `logs/`. */
  dir: string;
  dsn: string;
  /** More piw-master options (e.g. `--max-file-size 3G`). */
  args?: string[];
  /** Environment for the master (e.g. PIW_* settings). */
  env?: NodeJS.ProcessEnv;
}

export class MasterProcess {
  readonly output: string;
  #service: Service | undefined;
  #starts = 0;

  private constructor(
    readonly opts: MasterProcessOptions,
    readonly addresses: MasterAddresses,
  ) {
    this.output = path.join(opts.dir, 'www');
  }

  static async create(opts: MasterProcessOptions): Promise<MasterProcess> {
    await Promise.all(['www', 'run', 'logs'].map((d) => mkdir(path.join(opts.dir, d), { recursive: true })));
    const ipc = (name: string) => `ipc://${path.join(opts.dir, 'run', name)}`;
    return new MasterProcess(opts, {
      slave: `tcp://127.0.0.1:${await freePort()}`,
      file: `tcp://127.0.0.1:${await freePort()}`,
      status: ipc('status'),
      control: ipc('control'),
      import: ipc('import'),
      log: ipc('log'),
    });
  }

  get service(): Service {
    if (this.#service === undefined) throw new Error('the master has not been started');
    return this.#service;
  }

  get logFile(): string {
    return path.join(this.opts.dir, 'logs', 'master.log');
  }

  /** Starts the master (again) with the same settings; resolves once every task is ready. */
  async start(): Promise<Service> {
    const [command, args] = piwCommand('piw-master');
    const a = this.addresses;
    const service = new Service({
      name: `piw-master #${++this.#starts}`,
      command,
      args: [
        ...args,
        '--verbose',
        '--dsn', this.opts.dsn,
        '--output-path', this.output,
        '--pypi-xmlrpc', 'http://127.0.0.1:9/pypi',
        '--pypi-json', 'http://127.0.0.1:9/pypi',
        '--rewrite-delay', '1',
        '--slave-queue', a.slave,
        '--file-queue', a.file,
        '--status-queue', a.status,
        '--control-queue', a.control,
        '--import-queue', a.import,
        '--log-queue', a.log,
        ...(this.opts.args ?? []),
      ],
      env: piwEnvironment(this.opts.env),
      logFile: this.logFile,
      keepLines: 20_000,
    });
    this.#service = service;
    await service.waitFor(/all tasks ready/, { timeoutMs: 120_000 });
    return service;
  }

  /** The master's resident set size in bytes (from /proc). */
  async rss(): Promise<number> {
    const status = await readFile(`/proc/${this.service.pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) * 1024;
  }

  /** SIGTERM, as systemd stops it; its exit status. */
  async stop(): Promise<number | null> {
    if (this.#service === undefined) return null;
    return (await this.#service.stop(60_000)).code;
  }

  /** kill -9: no clean-up of any kind. */
  async kill(): Promise<void> {
    if (this.#service === undefined || !this.#service.running) return;
    this.#service.kill();
    await this.#service.exited;
  }
}
