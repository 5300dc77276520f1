/**
 * piw-logger benchmark (issue 5, item 8): 1,000,000 generated combined-format lines (a piwheels-like mix:
 * pip downloads with pip's JSON User-Agent, pip searches, project, JSON and page hits, ignored lines).
 *
 *  1. parse only: lines/s of format parsing alone, and of parsing plus classification (records made), in
 *     this process, median of several passes;
 *  2. end to end: piw-logger as a real process (`cli/piw-logger.ts` through tsx) reads the lines from a
 *     file and pushes them over ZeroMQ (ipc) to a Lumberjack in this process, which writes them to a real
 *     PostgreSQL (a throwaway cluster, as the tests start it, or the server PGHOST names) through the
 *     batch functions as the unprivileged master role. Timed from starting piw-logger until the last
 *     record is committed; process start-up included. The CPU time each part used (piw-logger, this
 *     process's Lumberjack, the PostgreSQL backends) is printed per line too: on a busy machine the
 *     wall-clock rate says more about the neighbours than about piw-logger.
 *
 * Prints figures; asserts nothing.
 *
 *   npx tsx scripts/bench/logger.ts [lines]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createActor, waitFor } from 'xstate';
import { compileLogFormat } from '../../actors/access-log/log-format.js';
import { LogReader } from '../../actors/access-log/log-reader.js';
import { DatabaseLogSink } from '../../actors/lumberjack/database-sink.js';
import { lumberjackTask } from '../../actors/lumberjack/lumberjack.js';
import type { LogRecord, LogSink } from '../../actors/lumberjack/log-sink.js';
import { createLogger } from '../../actors/runtime/logger.js';
import { connect } from '../../schema/connection.js';
import { Database } from '../../schema/database.js';
import { parseDsn } from '../../schema/dsn.js';
import startPostgres from '../../spec/support/postgres-global-setup.js';
import { createServerDatabase } from '../../spec/support/postgres.js';

const LINES = Number(process.argv[2] ?? 1_000_000);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const PIP_UA = (v: string, py: string, release: string) =>
  `pip/${v} {\\"ci\\":null,\\"cpu\\":\\"armv7l\\",\\"distro\\":{\\"id\\":\\"bullseye\\",\\"libc\\":{\\"lib\\":\\"glibc\\",\\"version\\":\\"2.31\\"},` +
  `\\"name\\":\\"Raspbian GNU/Linux\\",\\"version\\":\\"11\\"},\\"implementation\\":{\\"name\\":\\"CPython\\",\\"version\\":\\"${py}\\"},` +
  `\\"installer\\":{\\"name\\":\\"pip\\",\\"version\\":\\"${v}\\"},\\"openssl_version\\":\\"OpenSSL 1.1.1n  15 Mar 2022\\",\\"python\\":\\"${py}\\",` +
  `\\"setuptools_version\\":\\"52.0.0\\",\\"system\\":{\\"name\\":\\"Linux\\",\\"release\\":\\"${release}\\"}}`;
const PIP_UAS = [PIP_UA('20.3.4', '3.9.2', '5.15.32-v7l+'), PIP_UA('23.0.1', '3.11.2', '6.1.21-v8+'), 'pip/9.0.1'];
const BROWSERS = ['Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/92.0 Safari/537.36', 'Wget/1.21 (linux-gnueabihf)'];
const PACKAGES = ['numpy', 'RPi.GPIO', 'gpiozero', 'pillow', 'scipy', 'opencv-python', 'flask', 'paho_mqtt', 'requests', 'cryptography'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function apacheTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** The i-th line of the mix: 45% downloads, 30% searches, 6% project, 2% JSON, 7% pages, 10% ignored. */
function line(i: number, start: number): string {
  const host = i % 7 === 0 ? `2001:db8::${(i % 65535).toString(16)}` : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const time = apacheTime(start + Math.floor(i / 20) * 1000);
  const pkg = PACKAGES[i % PACKAGES.length]!;
  const pip = PIP_UAS[i % PIP_UAS.length]!;
  const browser = BROWSERS[i % BROWSERS.length]!;
  const r = i % 100;
  let path: string;
  let ua: string;
  let status = 200;
  if (r < 45) [path, ua] = [`/simple/${pkg.toLowerCase()}/${pkg.replace(/[-.]/g, '_')}-1.${i % 30}.0-cp39-cp39-linux_armv7l.whl`, pip];
  else if (r < 75) [path, ua] = [`/simple/${pkg}/`, pip];
  else if (r < 81) [path, ua] = [`/project/${pkg}/`, browser];
  else if (r < 83) [path, ua] = [`/project/${pkg}/json/`, browser];
  else if (r < 90) [path, ua] = [r % 2 ? '/' : '/faq.html', browser];
  else if (r < 95) [path, ua, status] = [`/simple/${pkg}/`, pip, 304];
  else [path, ua, status] = ['/missing.html', browser, 404];
  return `${host} - - [${time}] "GET ${path} HTTP/1.1" ${status} ${1000 + (i % 5000)} "-" "${ua}"`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

function parseOnly(lines: string[]): { parse: number; classify: number; records: number } {
  const parser = compileLogFormat('combined');
  const parses: number[] = [];
  const classifies: number[] = [];
  let records = 0;
  for (let pass = 0; pass < 5; pass++) {
    let t = performance.now();
    for (const l of lines) parser.parse(l);
    parses.push((lines.length * 1000) / (performance.now() - t));
    const reader = new LogReader(parser);
    t = performance.now();
    for (const l of lines) reader.read(l);
    classifies.push((lines.length * 1000) / (performance.now() - t));
    const c = reader.counts.records;
    records = c.LOGDOWNLOAD + c.LOGSEARCH + c.LOGPROJECT + c.LOGJSON + c.LOGPAGE;
  }
  return { parse: median(parses), classify: median(classifies), records };
}

/** Counts what the database sink has committed, and says when `target` records are in. */
class CountingSink implements LogSink {
  written = 0;
  batches = 0;
  private target = Infinity;
  private reached: () => void = () => {};
  constructor(private readonly inner: LogSink) {}
  async writeBatch(records: readonly LogRecord[]): Promise<void> {
    await this.inner.writeBatch(records);
    this.written += records.length;
    this.batches++;
    if (this.written >= this.target) this.reached();
  }
  until(target: number): Promise<void> {
    this.target = target;
    return this.written >= target ? Promise.resolve() : new Promise((resolve) => (this.reached = resolve));
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

async function endToEnd(file: string, records: number, dir: string) {
  await startPostgres();
  const database = await createServerDatabase('current');
  const master = await connect(parseDsn(database.masterDsn), { max: 4 });
  const address = `ipc://${dir}/log`;
  const sink = new CountingSink(new DatabaseLogSink(new Database(master)));
  const actor = createActor(lumberjackTask, { input: { address, sink, log: createLogger('lumberjack', { level: 'warning' }) } });
  const backends = async () =>
    (await master.sql<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`).map((r) => r.pid);
  try {
    actor.start();
    await waitFor(actor, (s) => s.value === 'running');
    // Every pooled connection open, so every backend that will write is known before the run.
    await Promise.all(Array.from({ length: 4 }, () => master.sql`SELECT pg_sleep(0.05)`));
    const pids = await backends();
    const pgBefore = pids.reduce((t, pid) => t + cpuOf(pid), 0);
    const selfBefore = process.cpuUsage();
    const started = performance.now();
    // One process (tsx as an import hook), so its CPU time can be read.
    const logger = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/piw-logger.ts'), '-v', '--log-queue', address, file], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let loggerCpu = 0;
    const poll = setInterval(() => (loggerCpu = Math.max(loggerCpu, cpuOf(logger.pid!))), 50);
    let stderr = '';
    logger.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => logger.on('close', resolve));
    await sink.until(records);
    const elapsed = (performance.now() - started) / 1000;
    const self = process.cpuUsage(selfBefore);
    const pgCpu = pids.reduce((t, pid) => t + cpuOf(pid), 0) - pgBefore;
    const code = await exited;
    clearInterval(poll);
    const [{ n }] = (await master.sql`SELECT
      (SELECT COUNT(*) FROM downloads) + (SELECT COUNT(*) FROM searches) + (SELECT COUNT(*) FROM project_page_hits)
      + (SELECT COUNT(*) FROM project_json_downloads) + (SELECT COUNT(*) FROM web_page_hits) AS n`) as unknown as [{ n: number }];
    return {
      elapsed,
      code,
      rows: Number(n),
      batches: sink.batches,
      cpu: { logger: loggerCpu, lumberjack: (self.user + self.system) / 1e6, postgres: pgCpu },
      summary: /read \d+ lines: .*/.exec(stderr)?.[0] ?? stderr.trim(),
    };
  } finally {
    actor.send({ type: 'QUIT' });
    await waitFor(actor, (s) => s.status !== 'active');
    await master.close();
    await database.drop();
    (globalThis as { __piwPostgresTeardown?: () => void }).__piwPostgresTeardown?.();
  }
}

async function main(): Promise<void> {
  console.log(`piw-logger benchmark: ${fmt(LINES)} combined-format lines; node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}`);
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const start = Date.UTC(2023, 0, 1);
  const lines = Array.from({ length: LINES }, (_, i) => line(i, start));
  const po = parseOnly(lines);
  console.log(`parse only:            ${fmt(po.parse)} lines/s (format parsing, median of 5 passes)`);
  console.log(`parse + classify:      ${fmt(po.classify)} lines/s (${fmt(po.records)} records from ${fmt(LINES)} lines)`);

  const dir = await mkdtemp(join(tmpdir(), 'piw-bench-logger-'));
  try {
    const file = join(dir, 'access.log');
    await writeFile(file, lines.join('\n') + '\n');
    // The Lumberjack shares this process: a million strings left on its heap would slow its collector.
    lines.length = 0;
    const e2e = await endToEnd(file, po.records, dir);
    console.log(
      `end to end:            ${fmt(LINES / e2e.elapsed)} lines/s, ${fmt(po.records / e2e.elapsed)} records/s ` +
        `(${e2e.elapsed.toFixed(1)} s for ${fmt(LINES)} lines: piw-logger process → ZeroMQ ipc → Lumberjack → PostgreSQL, ` +
        `${fmt(e2e.batches)} batches; start-up included)`,
    );
    console.log(`  piw-logger exit ${e2e.code}: ${e2e.summary}`);
    console.log(`  rows in the database: ${fmt(e2e.rows)} of ${fmt(po.records)} records`);
    const perLine = (seconds: number) => ((seconds * 1e6) / LINES).toFixed(1);
    const total = e2e.cpu.logger + e2e.cpu.lumberjack + e2e.cpu.postgres;
    console.log(
      `  CPU per line: piw-logger ${perLine(e2e.cpu.logger)} µs, Lumberjack ${perLine(e2e.cpu.lumberjack)} µs, ` +
        `PostgreSQL ${perLine(e2e.cpu.postgres)} µs; total ${perLine(total)} µs ` +
        `(${fmt(LINES / total)} lines per CPU-second, ${fmt((cpus().length * LINES) / total)} lines/s if all ${cpus().length} cores were ours)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
