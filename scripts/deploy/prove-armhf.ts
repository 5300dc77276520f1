/**
 * Proves a piwheels build slave on 32-bit Raspberry Pi OS, under emulation: a Debian armhf tree (what
 * Raspberry Pi OS 32-bit is built from) gets piw-slave the documented way — the bundle, deploy-slave.sh —
 * and that slave, running under qemu-user as the unprivileged piwheels user, builds a C extension for a
 * master on this machine: a real `linux_armv7l` wheel, built, transferred and listed in the index.
 * Not part of `npm test`: it takes the better part of an hour (see the README for measured times).
 *
 *   npx tsx scripts/deploy/prove-armhf.ts [--work DIR] [--suite trixie] [--mirror URL] [--keep]
 *
 *   --work DIR    where the tree (DIR/tree), the master's files and the logs go (default /var/tmp/piw-armhf);
 *                 an existing DIR/tree is reused (its packages and the deployment are still redone)
 *   --suite S     the Debian suite of the tree (default trixie, as Raspberry Pi OS Trixie)
 *   --mirror URL  the Debian mirror (default: the first one this machine's apt uses)
 *   --keep        leave the tree's mounts in place at the end
 *   --skip-deploy with a reused tree that has piw-slave already, skip step 3 (to repeat the later steps)
 *
 * Needs root, `apt-get install qemu-user-static binfmt-support mmdebstrap`, the npm registry and Debian's
 * mirror. Every step prints how long it took; the last lines name the wheel.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { CEXT } from '../pypi-standin/fixtures.js';
import { startPypiStandin, type PypiStandin } from '../pypi-standin/server.js';
import { prepareDemoDatabase } from '../start/database.js';
import { piwCommand, piwEnvironment, ROOT, Service } from '../start/processes.js';
import { NotifyListener } from '../systemd/notify-listener.js';

const execFileP = promisify(execFile);

const { values: opts } = parseArgs({
  options: {
    work: { type: 'string', default: '/var/tmp/piw-armhf' },
    suite: { type: 'string', default: 'trixie' },
    mirror: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'skip-deploy': { type: 'boolean', default: false },
  },
});
const WORK = path.resolve(opts.work!);
const TREE = path.join(WORK, 'tree');
const LOGS = path.join(WORK, 'logs');
const WHEEL_TIMEOUT_MS = 90 * 60_000;

const timings: [string, number][] = [];
const say = (line: string) => console.log(`prove-armhf: ${line}`);

/** Runs `step`, printing and recording how long it took. */
async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  say(`${name} ...`);
  const result = await step();
  const seconds = (Date.now() - started) / 1000;
  timings.push([name, seconds]);
  say(`${name}: ${seconds.toFixed(1)} s`);
  return result;
}

/** Runs a command niced (other work shares the machine), its output to `log`; rejects with the log's tail. */
async function run(log: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = path.join(LOGS, log);
  const out = await import('node:fs').then((fs) => fs.openSync(file, 'a'));
  const child = spawn('nice', ['-n', '10', command, ...args], { env, stdio: ['ignore', out, out] });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) {
    const tail = (await readFile(file, 'utf8')).split('\n').slice(-30).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed (${code}); the end of ${file}:\n${tail}`);
  }
}

/** Runs `argv` inside the tree as root, with this machine's CAs trusted by npm (see trustHostCertificates). */
const inTree = (log: string, argv: string[]) =>
  run(log, 'chroot', [TREE, '/usr/bin/env', 'NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt', 'DEBIAN_FRONTEND=noninteractive', ...argv]);

/** The first `URIs:` (or `deb` line) of this machine's apt sources. */
async function hostMirror(): Promise<string> {
  const dir = '/etc/apt/sources.list.d';
  const files = ['/etc/apt/sources.list', ...(existsSync(dir) ? (await readdir(dir)).map((f) => path.join(dir, f)) : [])];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const m = /^URIs:\s*(\S+\/debian)\s*$/m.exec(text) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\s/m.exec(text);
    if (m) return m[1]!;
  }
  return 'http://deb.debian.org/debian';
}

const MOUNTS = ['proc', 'sys', 'dev', 'dev/pts'];

async function mounted(dir: string): Promise<boolean> {
  return execFileP('mountpoint', ['-q', dir]).then(() => true, () => false);
}

async function mountTree(): Promise<void> {
  for (const m of MOUNTS) {
    const target = path.join(TREE, m);
    await mkdir(target, { recursive: true });
    if (!(await mounted(target))) await execFileP('mount', ['--bind', `/${m}`, target]);
  }
}

async function unmountTree(): Promise<void> {
  for (const m of [...MOUNTS].reverse()) {
    const target = path.join(TREE, m);
    if (await mounted(target)) await execFileP('umount', ['--lazy', target]).catch(() => {});
  }
}

/**
 * This machine reaches the npm registry through a TLS-inspecting proxy whose CA its own npm trusts: the
 * tree must trust it too. (A Raspberry Pi on the internet needs nothing of the kind.)
 */
async function trustHostCertificates(): Promise<void> {
  const dir = '/usr/local/share/ca-certificates';
  const certs = existsSync(dir) ? (await readdir(dir)).filter((f) => f.endsWith('.crt')) : [];
  await mkdir(path.join(TREE, dir), { recursive: true });
  for (const cert of certs) await copyFile(path.join(dir, cert), path.join(TREE, dir, cert));
  await copyFile('/etc/resolv.conf', path.join(TREE, 'etc/resolv.conf'));
  if (certs.length > 0) await inTree('tree.log', ['update-ca-certificates']);
}

async function treeOutput(argv: string[]): Promise<string> {
  const { stdout } = await execFileP('chroot', [TREE, ...argv]);
  return stdout.trim();
}

/** Resolves with the first wheel of `pkg` the index lists whose name matches `pattern`. */
async function waitForWheel(www: string, pkg: string, pattern: RegExp, failed: Promise<string>): Promise<string> {
  const page = path.join(www, 'simple', pkg, 'index.html');
  const deadline = Date.now() + WHEEL_TIMEOUT_MS;
  let failure: string | undefined;
  void failed.then((why) => (failure = why));
  while (Date.now() < deadline) {
    if (failure !== undefined) throw new Error(failure);
    const html = await readFile(page, 'utf8').catch(() => '');
    for (const m of html.matchAll(/<a href="([^"#]+\.whl)#/g)) if (pattern.test(m[1]!)) return m[1]!;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  throw new Error(`no wheel matching ${pattern} in ${page} within ${WHEEL_TIMEOUT_MS / 60_000} min`);
}

async function main(): Promise<void> {
  if (process.geteuid?.() !== 0) throw new Error('run as root (mmdebstrap, chroot and mounts need it)');
  await mkdir(LOGS, { recursive: true });
  say(`work directory ${WORK}; logs in ${LOGS}`);

  if (existsSync(path.join(TREE, 'etc/os-release'))) {
    say(`reusing the tree in ${TREE}`);
  } else {
    const mirror = opts.mirror ?? (await hostMirror());
    await timed(`1. a Debian ${opts.suite} armhf tree (mmdebstrap, ${mirror})`, () =>
      run('tree.log', 'mmdebstrap', ['--arch=armhf', '--variant=apt', '--include=ca-certificates', opts.suite!, TREE, mirror]),
    );
  }
  const arch = await treeOutput(['uname', '-m']);
  if (!/^armv7/.test(arch)) throw new Error(`the tree runs as ${arch}, not armv7l: is qemu-user-static's binfmt for arm enabled?`);
  await mountTree();
  const stops: (() => Promise<unknown>)[] = [];
  // Ctrl+C or SIGTERM: stop what was started (the master and the slave run in process groups of their own).
  const interrupted = new Promise<never>((_, reject) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => reject(new Error(`stopped by ${signal}`)));
  });
  interrupted.catch(() => {});
  try {
    await Promise.race([prove(stops), interrupted]);
  } finally {
    for (const stop of stops) await stop().catch((err: unknown) => say(`while stopping: ${(err as Error).message}`));
    if (!opts.keep) await unmountTree();
  }
  say('timings:');
  for (const [name, seconds] of timings) say(`  ${(seconds / 60).toFixed(1).padStart(5)} min  ${name}`);
}

/** Steps 2 to 7, in the mounted tree; `stops` gets what stops each thing started, newest first. */
async function prove(stops: (() => Promise<unknown>)[]): Promise<void> {
  await trustHostCertificates();
  const bundle = await timed('2. the bundle (scripts/deploy/bundle.sh, on this machine)', async () => {
    const { stdout } = await execFileP(path.join(ROOT, 'scripts/deploy/bundle.sh'), [path.join(WORK, 'bundle')]);
    return stdout.trim().split('\n').at(-1)!;
  });
  await mkdir(path.join(TREE, 'root'), { recursive: true });
  await copyFile(bundle, path.join(TREE, 'root', path.basename(bundle)));
  const inside = `/root/${path.basename(bundle)}`;
  const unpacked = `/root/${path.basename(bundle, '.tar.gz')}`;
  if (opts['skip-deploy'] && existsSync(path.join(TREE, 'opt/piwheels/dist/cli/piw-slave.js'))) {
    say('3. deploy-slave.sh: skipped (--skip-deploy), the tree has piw-slave already');
  } else {
    await timed('3. deploy-slave.sh in the tree (packages, user, npm ci, sd-notify, zeromq against libzmq)', async () => {
      await inTree('deploy.log', ['tar', '-xzf', inside, '-C', '/root']);
      await inTree('deploy.log', ['bash', `${unpacked}/scripts/deploy/deploy-slave.sh`, '--master', '127.0.0.1', '--label', 'armhf-qemu', inside]);
    });
  }

  // What pypi.org offers any Pi: setuptools and wheel (and wheel's packaging) for its Python (3.13 on
  // Trixie); the stand-in serves the tree's own, as this machine's are too old for Python 3.12 and later.
  const bootstrap = await timed('4. setuptools, wheel and packaging wheels for the tree’s Python', async () => {
    await inTree('tree.log', ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'python3-setuptools-whl', 'python3-wheel-whl', 'python3-packaging-whl']);
    const dir = path.join(TREE, 'usr/share/python-wheels');
    return (await readdir(dir)).filter((f) => /^(setuptools|wheel|packaging)-.*-py3-none-any\.whl$/.test(f)).map((f) => path.join(dir, f));
  });
  const abi = await treeOutput(['python3', '-c', 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")']);

  const run_ = await mkdtemp(path.join(os.tmpdir(), 'piw-armhf-'));
  stops.unshift(() => rm(run_, { recursive: true, force: true }));
  const pgdata = path.join(WORK, 'master/pgdata');
  const www = path.join(WORK, 'master/www');
  await rm(path.join(WORK, 'master'), { recursive: true, force: true });
  await mkdir(www, { recursive: true });
  const standin: PypiStandin = await timed(`5. the master on this machine (embedded database, ABI ${abi} registered) and a PyPI stand-in`, async () => {
    const { serial } = await prepareDemoDatabase(pgdata, abi);
    const pypi = await startPypiStandin({ dir: path.join(WORK, 'master/pypi'), bootstrap: false, firstSerial: Math.max(serial, 1_000_000) });
    stops.unshift(() => pypi.close());
    for (const file of bootstrap) {
      const [, name, version] = /^([^-]+)-([^-]+)-/.exec(path.basename(file))!;
      await pypi.addFile(name!, version!, { filename: path.basename(file), content: await readFile(file) }, { silent: true });
    }
    return pypi;
  });
  const ipc = (name: string) => `ipc://${path.join(run_, name)}`;
  const [masterCmd, masterArgs] = piwCommand('piw-master');
  const master = new Service({
    name: 'piw-master',
    command: masterCmd,
    args: [
      ...masterArgs, '-v', '--dsn', `pglite:${pgdata}`, '--output-path', www,
      '--pypi-xmlrpc', standin.xmlrpcUrl, '--pypi-json', standin.jsonUrl, '--pypi-simple', standin.simpleUrl,
      '--pypi-hold', '0', '--rewrite-delay', '3',
      '--slave-queue', 'tcp://127.0.0.1:*', '--file-queue', 'tcp://127.0.0.1:*',
      '--status-queue', ipc('status'), '--control-queue', ipc('control'), '--import-queue', ipc('import'), '--log-queue', ipc('log'),
    ],
    env: piwEnvironment(),
    logFile: path.join(LOGS, 'master.log'),
  });
  stops.unshift(() => master.stop(30_000));
  const local = (endpoint: string) => endpoint.replace(/\[::ffff:(\d+\.\d+\.\d+\.\d+)\]/, '$1');
  const slaveQueue = local((await master.waitFor(/listening for slaves on (tcp:\/\/\S+)/, { timeoutMs: 300_000 }))[1]!);
  const fileQueue = local((await master.waitFor(/listening for file transfers on (tcp:\/\/\S+)/, { timeoutMs: 300_000 }))[1]!);
  await master.waitFor(/all tasks ready/, { timeoutMs: 300_000 });

  // The slave as its unit runs it: the piwheels user, /usr/local/bin/piw-slave, sd_notify to "systemd"
  // (a listener on an abstract socket: the tree shares this machine's network namespace).
  const notify = await NotifyListener.start();
  stops.unshift(async () => notify.close());
  const slave = new Service({
    name: 'piw-slave (armhf, emulated)',
    command: 'chroot',
    args: [
      '--userspec=piwheels:piwheels', TREE, '/usr/bin/env', '-i', 'HOME=/home/piwheels', 'PATH=/usr/local/bin:/usr/bin:/bin',
      'PIP_CONFIG_FILE=/dev/null', `NOTIFY_SOCKET=${notify.address}`, 'WATCHDOG_USEC=120000000',
      '/usr/local/bin/piw-slave', '-v', '--slave-queue', slaveQueue, '--file-queue', fileQueue, '--label', 'armhf-qemu',
    ],
    logFile: path.join(LOGS, 'slave.log'),
  });
  stops.unshift(() => slave.stop(120_000));
  const ready = await timed('6. piw-slave under emulation connects (READY=1 through sd_notify)', async () => {
    await slave.waitFor(/Connected to master as slave/, { timeoutMs: 600_000 });
    return notify.next('READY', '1');
  });
  say(`slave: ${slave.tail().split('\n').find((l) => l.includes('PiWheels Slave version')) ?? '?'}; systemd would show STATUS=${ready.assignments.STATUS}`);

  const failed = Promise.race([
    master.exited.then((e) => `piw-master stopped (${e.code ?? e.signal}):\n${master.tail()}`),
    slave.exited.then((e) => `piw-slave stopped (${e.code ?? e.signal}):\n${slave.tail()}`),
  ]);
  const wheel = await timed(`7. ${CEXT.name} built by the emulated slave, transferred and listed in the index`, async () => {
    await standin.publish(CEXT);
    return waitForWheel(www, CEXT.name, /-linux_armv7l\.whl$/, failed);
  });
  const file = path.join(www, 'simple', CEXT.name, wheel);
  const sha = createHash('sha256').update(await readFile(file)).digest('hex');
  say(`wheel: ${wheel} (${(await readFile(file)).length} bytes, sha256 ${sha}) in ${path.dirname(file)}`);
  await writeFile(path.join(WORK, 'wheel.txt'), `${wheel}\n${sha}\n`);
  say(`the slave's STATUS lines: ${[...new Set(notify.values('STATUS'))].join(' | ')}`);
}

main().catch(async (err: unknown) => {
  console.error(`prove-armhf: ${err instanceof Error ? err.message : String(err)}`);
  if (!opts.keep) await unmountTree();
  process.exitCode = 1;
});
