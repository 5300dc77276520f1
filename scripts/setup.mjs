#!/usr/bin/env node
/**
 * The set-up step in front of `npm start` and `npm test`, so that a fresh clone needs nothing but these two
 * commands. Plain JavaScript on purpose: it runs before the dependencies (tsx, TypeScript) are installed.
 *
 *   node scripts/setup.mjs start [ARGS…]   dependencies and build, then the demo (scripts/start.ts)
 *   node scripts/setup.mjs test [ARGS…]    Debian packages, dependencies, type check (whole suite), then jest
 *   node scripts/setup.mjs stamp           record that node_modules and dist/ are current (npm's prepare)
 *
 * Each step is skipped when its result is current, so a second run starts at once: node_modules is current
 * when the stamp written after the last install names the lockfile's hash; dist/ when no source is newer
 * than its stamp. Output of the installs goes to .setup.log; one line says what is being done.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TEST_PACKAGES } from './setup/debian-packages.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LOG = path.join(ROOT, '.setup.log');
const INSTALL_STAMP = path.join(ROOT, 'node_modules', '.piwheels-install');
const BUILD_STAMP = path.join(ROOT, 'dist', '.piwheels-build');
/** What `npm run build` compiles (tsconfig.build.json's include). */
const SOURCES = ['actors', 'machines', 'protocols', 'schema', 'cli', 'scripts'];

const say = (line) => process.stdout.write(`${line}\n`);

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** Runs a command with its output appended to .setup.log; on failure, shows the log's tail and exits. */
function run(what, command, args) {
  const fd = openSync(LOG, 'a');
  writeFileSync(fd, `\n$ ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (result.status !== 0) {
    const tail = readFileSync(LOG, 'utf8').split('\n').slice(-30).join('\n');
    fail(`${what} failed (${result.error?.message ?? `exit ${result.status}`}); the end of ${LOG}:\n${tail}`);
  }
}

function lockHash() {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) hash.update(readFileSync(path.join(ROOT, file)));
  return hash.digest('hex');
}

function writeInstallStamp() {
  writeFileSync(INSTALL_STAMP, `${lockHash()}\n`);
}

function dependenciesCurrent() {
  try {
    return readFileSync(INSTALL_STAMP, 'utf8').trim() === lockHash();
  } catch {
    return false;
  }
}

function ensureDependencies(tool) {
  if (dependenciesCurrent()) return;
  const first = !existsSync(path.join(ROOT, 'node_modules'));
  say(`${tool}: installing dependencies (npm ci${first ? ', about 30 s' : ''}; output in ${path.relative(process.cwd(), LOG) || LOG})...`);
  // npm ci runs `prepare`, which builds dist/ and writes both stamps.
  run('npm ci', 'npm', ['ci', '--no-audit', '--no-fund']);
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function ensureBuild(tool) {
  const built = existsSync(BUILD_STAMP) ? statSync(BUILD_STAMP).mtimeMs : 0;
  const newest = Math.max(...SOURCES.map((d) => newestSource(path.join(ROOT, d))), statSync(path.join(ROOT, 'tsconfig.json')).mtimeMs);
  if (built >= newest) return;
  say(`${tool}: building dist/ (the piw-* commands' compiled form)...`);
  buildNow();
}

function buildNow() {
  run('npm run build', 'npm', ['run', 'build', '--silent']);
  writeBuildStamp();
}

function writeBuildStamp() {
  writeFileSync(BUILD_STAMP, `${new Date().toISOString()}\n`);
}

/** The packages of `names` dpkg does not have installed; undefined when this is not a Debian system. */
function missingPackages(names) {
  const query = spawnSync('dpkg-query', ['-W', '-f', '${Package} ${db:Status-Status}\\n', ...names], { encoding: 'utf8' });
  if (query.error) return undefined;
  const installed = new Set(query.stdout.split('\n').filter((l) => l.endsWith(' installed')).map((l) => l.split(' ')[0]));
  return names.filter((n) => !installed.has(n));
}

function ensureDebianPackages(tool, packages) {
  const names = Object.keys(packages);
  const missing = missingPackages(names);
  if (missing === undefined) {
    say(`${tool}: not a Debian system (no dpkg-query); the suite needs the equivalents of: ${names.join(' ')}`);
    return;
  }
  if (missing.length === 0) return;
  const line = `apt-get install -y ${missing.join(' ')}`;
  if (process.geteuid?.() !== 0) {
    const why = missing.map((n) => `  ${n}: ${packages[n]}`).join('\n');
    fail(`${tool}: the test suite needs Debian packages that are not installed:\n${why}\nInstall them with:\n  sudo ${line}\nthen run npm test again.`);
  }
  say(`${tool}: installing Debian packages: ${missing.join(' ')} (apt-get; a few minutes the first time)...`);
  process.env.DEBIAN_FRONTEND = 'noninteractive';
  run('apt-get update', 'apt-get', ['update', '-q']);
  run(line, 'apt-get', ['install', '-y', '-q', ...missing]);
}

/** Runs a child with the terminal, passes SIGINT/SIGTERM on, and exits with its status. */
function handOver(command, args) {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 143)));
}

async function start(args) {
  ensureDependencies('npm start');
  ensureBuild('npm start');
  // The demo runs in this process, from the sources, as `node --import tsx scripts/start.ts` would.
  const { register } = await import('tsx/esm/api');
  register();
  const script = path.join(ROOT, 'scripts', 'start.ts');
  process.argv = [process.argv[0], script, ...args];
  await import(pathToFileURL(script).href);
}

function test(args) {
  // The packages first: npm ci builds sd-notify against libsystemd-dev.
  ensureDebianPackages('npm test', TEST_PACKAGES);
  ensureDependencies('npm test');
  // The whole suite starts with the type check; `npm test -- spec/some/file` goes straight to its tests.
  if (!args.some((a) => !a.startsWith('-'))) run('the type check (npm run typecheck)', 'npm', ['run', 'typecheck', '--silent']);
  handOver(process.execPath, ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), ...args]);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'start') await start(args);
else if (command === 'test') test(args);
else if (command === 'stamp') {
  writeInstallStamp();
  writeBuildStamp();
}
else fail('usage: node scripts/setup.mjs start|test|stamp [ARGS...]');
