/**
 * `npm start`: the whole build farm on one machine, in one directory (default `./.piwheels-demo/`).
 *
 *   pgdata/   the master's embedded database (PGlite)
 *   www/      the master's output: the site and the package index, served on 127.0.0.1
 *   pypi/     the PyPI stand-in's files (its sdists and the setuptools/wheel wheels pip builds with)
 *   build/    the slave's build directory
 *   logs/     master.log and slave.log
 *
 * In order: the database is prepared (database.ts: the slave's ABI registered), the PyPI stand-in starts
 * in this process and publishes the demo packages with its changelog continuing after the serial the
 * master has read, the static server starts on www/, then `piw-master`
 * (embedded database, `--pypi-hold 0 --rewrite-delay 3` so a quiet stand-in's events and the pages are
 * not held back, queues on 127.0.0.1 and in a private temp dir) and one `piw-slave` run as child
 * processes. Once both are up the `Index:` line is printed; each wheel is announced when the index
 * lists it. `stop()` stops the slave (BYE), then the master (its pending page rewrites saved), then the
 * servers; a child that will not stop is killed with its process group.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { probePython } from '../../actors/slave/machine-facts.js';
import { canonicalizeName } from '../../protocols/packaging/wheel-filename.js';
import { CEXT, BROKEN, MULTI, PURE, startPypiStandin, type ProjectSource, type PypiStandin } from '../pypi-standin/index.js';
import { prepareDemoDatabase } from './database.js';
import { piwCommand, piwEnvironment, Service } from './processes.js';
import { serveDirectory, type StaticServer } from './static-server.js';

/** The demo's packages, the first to be built first (the build queue is oldest release first). */
export const DEMO_PACKAGES: readonly ProjectSource[] = [PURE, CEXT, ...MULTI, BROKEN];

/** How long the slave may take to stop: it gives a running build a minute to stop (as 0.18). */
const SLAVE_STOP_MS = 75_000;
const MASTER_STOP_MS = 30_000;
/** Start-up: PGlite alone takes seconds; a loaded machine may take many. */
const START_TIMEOUT_MS = 180_000;

export interface DemoOptions {
  /** Where everything is kept. */
  dir: string;
  /** The static server's port on 127.0.0.1 (0: any free port). */
  port: number;
  /** The Python the slave builds with. */
  python: string;
  /** Where the demo's own lines go. */
  print: (line: string) => void;
}

export class DemoAbortedError extends Error {
  constructor() {
    super('stopped before the demo was up');
    this.name = 'DemoAbortedError';
  }
}

export interface Demo {
  /** `http://127.0.0.1:PORT/simple/`. */
  readonly indexUrl: string;
  /** Resolves with a message once the master or the slave has stopped (by itself, or by `stop()`). */
  readonly failed: Promise<string>;
  stop(): Promise<void>;
}

interface Layout {
  pgdata: string;
  www: string;
  pypi: string;
  build: string;
  logs: string;
}

function layout(dir: string): Layout {
  return {
    pgdata: path.join(dir, 'pgdata'),
    www: path.join(dir, 'www'),
    pypi: path.join(dir, 'pypi'),
    build: path.join(dir, 'build'),
    logs: path.join(dir, 'logs'),
  };
}

/** What has been started, stopped again newest first: by `stop()`, or when a later start-up step fails. */
class Stack {
  readonly #stops: (() => Promise<unknown>)[] = [];

  push(stop: () => Promise<unknown>): void {
    this.#stops.unshift(stop);
  }

  async unwind(): Promise<void> {
    for (const stop of this.#stops.splice(0)) {
      try {
        await stop();
      } catch {
        // Keep stopping the rest.
      }
    }
  }
}

/**
 * Starts everything; resolves once the index is served and the slave is connected. Aborting `signal`
 * meanwhile stops what has started and rejects with DemoAbortedError.
 */
export async function startDemo(opts: DemoOptions, signal?: AbortSignal): Promise<Demo> {
  const dirs = layout(path.resolve(opts.dir));
  await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
  const stack = new Stack();
  const aborted = new Promise<never>((_, reject) => {
    if (signal?.aborted) reject(new DemoAbortedError());
    signal?.addEventListener('abort', () => reject(new DemoAbortedError()), { once: true });
  });
  aborted.catch(() => {});
  const step = <T>(work: Promise<T>) => Promise.race([work, aborted]);
  try {
    return await start(opts, dirs, stack, step);
  } catch (err) {
    await stack.unwind();
    throw err;
  }
}

async function start(opts: DemoOptions, dirs: Layout, stack: Stack, step: <T>(work: Promise<T>) => Promise<T>): Promise<Demo> {
  const { print } = opts;
  const tags = await step(probePython(opts.python));
  const { serial, abiAdded } = await step(prepareDemoDatabase(dirs.pgdata, tags.abiTag));
  if (abiAdded) print(`Build ABI: ${tags.abiTag} registered (the ABI of ${opts.python})`);

  const standin: PypiStandin = await step(startPypiStandin({ dir: dirs.pypi, firstSerial: Math.max(serial, 1_000_000) }));
  stack.push(() => standin.close());
  // One release second apart, in DEMO_PACKAGES order: Cloud Gazer records these times, so the build
  // queue's order (oldest release first) is DEMO_PACKAGES's.
  const base = Math.floor(Date.now() / 1000) - DEMO_PACKAGES.length;
  for (const [i, source] of DEMO_PACKAGES.entries()) await step(standin.publish(source, { timestamp: base + i }));
  print(`PyPI stand-in: ${standin.simpleUrl}`);

  const web: StaticServer = await step(serveDirectory(dirs.www, { port: opts.port }));
  stack.push(() => web.close());
  const indexUrl = `${web.url}/simple/`;

  // Monitors, importers and loggers reach the master over ipc: short paths in a private temp dir.
  const run = await step(mkdtemp(path.join(os.tmpdir(), 'piw-demo-')));
  stack.push(() => rm(run, { recursive: true, force: true }));
  const ipc = (name: string) => `ipc://${path.join(run, name)}`;
  // A failed build, in the master's log (0.18's wording): worth showing where the failure is recorded.
  // Held back until the Index line is out.
  let held: string[] | undefined = [];
  const failedBuild = (line: string) => {
    const m = /: build failed (\S+) (\S+)$/.exec(line);
    if (m === null) return;
    const text = `Failed: ${m[1]} ${m[2]} (recorded with its build log; see ${web.url}/project/${m[1]}/)`;
    if (held === undefined) print(text);
    else held.push(text);
  };
  const [masterCmd, masterArgs] = piwCommand('piw-master');
  const master = new Service({
    name: 'piw-master',
    command: masterCmd,
    args: [
      ...masterArgs,
      '--verbose',
      '--dsn', `pglite:${dirs.pgdata}`,
      '--output-path', dirs.www,
      '--pypi-xmlrpc', standin.xmlrpcUrl,
      '--pypi-json', standin.jsonUrl,
      '--pypi-simple', standin.simpleUrl,
      '--pypi-hold', '0',
      '--rewrite-delay', '3',
      '--site-url', web.url,
      '--slave-queue', 'tcp://127.0.0.1:*',
      '--file-queue', 'tcp://127.0.0.1:*',
      '--status-queue', ipc('status'),
      '--control-queue', ipc('control'),
      '--import-queue', ipc('import'),
      '--log-queue', ipc('log'),
    ],
    env: piwEnvironment(),
    logFile: path.join(dirs.logs, 'master.log'),
    onLine: (line) => failedBuild(line),
  });
  stack.push(() => master.stop(MASTER_STOP_MS));
  const slaveQueue = plainIpv4((await step(master.waitFor(/listening for slaves on (tcp:\/\/\S+)/, { timeoutMs: START_TIMEOUT_MS })))[1]!);
  const fileQueue = plainIpv4((await step(master.waitFor(/listening for file transfers on (tcp:\/\/\S+)/, { timeoutMs: START_TIMEOUT_MS })))[1]!);
  await step(master.waitFor(/all tasks ready/, { timeoutMs: START_TIMEOUT_MS }));

  const [slaveCmd, slaveArgs] = piwCommand('piw-slave');
  const slave = new Service({
    name: 'piw-slave',
    command: slaveCmd,
    args: [...slaveArgs, '--verbose', '--slave-queue', slaveQueue, '--file-queue', fileQueue, '--dir', dirs.build, '--label', 'demo-slave', '--python', opts.python],
    // The slave's pip sees only the stand-in, whatever the user's pip configuration says.
    env: piwEnvironment({ PIP_CONFIG_FILE: os.devNull }),
    logFile: path.join(dirs.logs, 'slave.log'),
  });
  stack.push(() => slave.stop(SLAVE_STOP_MS));
  await step(slave.waitFor(/Connected to master as slave/, { timeoutMs: START_TIMEOUT_MS }));

  print(`Master: slave queue ${slaveQueue}, file queue ${fileQueue}, import queue ${ipc('import')}, status queue ${ipc('status')}, control queue ${ipc('control')}`);
  print(`Monitor: piw-monitor --status-queue ${ipc('status')} --control-queue ${ipc('control')}`);
  print(`Slave: ${tags.abiTag} ${tags.platformTag} (${opts.python}), building in ${dirs.build}`);
  print(`Logs: ${path.join(dirs.logs, 'master.log')}, ${path.join(dirs.logs, 'slave.log')}`);
  print(`Site: ${web.url}/`);
  print(`Index: ${indexUrl}`);
  print(`Demo packages: ${[...new Set(DEMO_PACKAGES.map((p) => p.name))].join(', ')} (${BROKEN.name} fails to build, on purpose)`);

  const watcher = watchIndex(dirs.www, (pkg, filename) => print(`Wheel: ${filename} -> pip install --index-url ${indexUrl} ${pkg}`));
  stack.push(async () => watcher.stop());
  for (const text of held) print(text);
  held = undefined;

  const failed = Promise.race([
    master.exited.then((exit) => `piw-master stopped (${exit.code ?? exit.signal}); its last lines:\n${master.tail()}`),
    slave.exited.then((exit) => `piw-slave stopped (${exit.code ?? exit.signal}); its last lines:\n${slave.tail()}`),
  ]);
  let stopping: Promise<void> | undefined;
  return {
    indexUrl,
    failed,
    stop: () => (stopping ??= stack.unwind()),
  };
}

/** ZeroMQ reports a socket bound to 127.0.0.1 as `[::ffff:127.0.0.1]`: the plain spelling reads better. */
const plainIpv4 = (endpoint: string) => endpoint.replace(/\[::ffff:(\d+\.\d+\.\d+\.\d+)\]/, '$1');

/** Calls `found(package, filename)` once for each wheel the simple index of a demo package lists. */
function watchIndex(www: string, found: (pkg: string, filename: string) => void): { stop(): void } {
  const seen = new Set<string>();
  const packages = [...new Set(DEMO_PACKAGES.map((p) => canonicalizeName(p.name)))];
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      for (const pkg of packages) {
        const page = await readFile(path.join(www, 'simple', pkg, 'index.html'), 'utf8').catch(() => '');
        for (const m of page.matchAll(/<a href="([^"#]+\.whl)#/g)) {
          if (seen.has(m[1]!)) continue;
          seen.add(m[1]!);
          found(pkg, m[1]!);
        }
      }
    } finally {
      busy = false;
    }
  }, 1000);
  return { stop: () => clearInterval(timer) };
}
