/**
 * piw-logger as a real process (through tsx) against a real PULL socket on ipc:// in a temp dir: every
 * input path (stdin, files, .gz), --drop with nobody listening, signals, and the bad-input exits.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as zmq from 'zeromq';
import { lumberjackProtocol } from '../../protocols/lumberjack.js';
import { MIXED, combined, tempDir } from '../actors/access-log/samples.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'cli/piw-logger.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts piw-logger; `input` is written to its stdin (then closed unless `keepOpen`). */
function start(args: string[], input = '', keepOpen = false) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...process.env, HOME: dir.path }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.write(input);
  if (!keepOpen) child.stdin.end();
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

const run = (args: string[], input = '') => start(args, input).done;

let dir: { path: string; remove(): Promise<void> };
let address: string;
let pull: zmq.Pull | undefined;

beforeEach(async () => {
  dir = await tempDir();
  address = `ipc://${dir.path}/log`;
});
afterEach(async () => {
  pull?.close();
  pull = undefined;
  await dir.remove();
});

async function listen(): Promise<zmq.Pull> {
  pull = new zmq.Pull({ linger: 0 });
  await pull.bind(address);
  return pull;
}

async function receive(socket: zmq.Pull, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(lumberjackProtocol.decode((await socket.receive())[0]!));
  return out;
}

const lines = (...ls: string[]) => ls.map((l) => `${l}\n`).join('');

describe('piw-logger', () => {
  it('behaviour 206: reads standard input (piped-log mode) and pushes one record per classified line', async () => {
    const socket = await listen();
    const result = await run(['-v', '--log-queue', address], lines(...Object.values(MIXED)));
    expect(result.code).toBe(0);
    const got = await receive(socket, 5);
    expect(got.map((m) => m.verb)).toEqual(['LOGDOWNLOAD', 'LOGSEARCH', 'LOGPROJECT', 'LOGJSON', 'LOGPAGE']);
    expect(got[0]!.data).toEqual([
      'numpy-1.18.1-cp37-cp37m-linux_armv7l.whl',
      '192.0.2.10',
      new Date(Date.UTC(2020, 8, 15, 12)),
      'armv7l',
      'Raspbian GNU/Linux',
      '10',
      'Linux',
      '4.19.97-v7+',
      'CPython',
      '3.7.3',
      'pip',
      '20.0.2',
      '44.0.0',
    ]);
    expect(got[2]!.data[3]).toBe('Mozilla/5.0 "quoted" café');
    expect(result.stderr).toContain(
      'INFO logger: read 9 lines: 1 downloads, 1 searches, 1 project hits, 1 JSON hits, 1 page hits; 3 ignored, 1 malformed, 0 dropped',
    );
  });

  it('behaviour 207: non-200 lines and lines without a User-Agent produce nothing', async () => {
    const socket = await listen();
    const result = await run(['--log-queue', address], lines(MIXED.notFound, MIXED.noUserAgent, combined('/simple/x/x-1.0-py3-none-any.whl', { status: 304, ua: 'pip/20' }), MIXED.page));
    expect(result.code).toBe(0);
    // Only the last line makes a record: it is the first to arrive.
    expect((await receive(socket, 1))[0]!.data[0]).toBe('faq');
  });

  it('behaviour 206: reads plain and .gz files and - (standard input), in the order given', async () => {
    const socket = await listen();
    await writeFile(join(dir.path, 'access.log'), lines(combined('/one.html'), combined('/two.html')));
    await writeFile(join(dir.path, 'access.log.1.gz'), gzipSync(lines(combined('/three.html'))));
    const result = await run(['--log-queue', address, join(dir.path, 'access.log'), join(dir.path, 'access.log.1.gz'), '-'], lines(combined('/four.html')));
    expect(result.code).toBe(0);
    expect((await receive(socket, 4)).map((m) => m.data[0])).toEqual(['one', 'two', 'three', 'four']);
  });

  it('with --drop and nobody listening, drops records with a warning and exits instead of blocking', async () => {
    const input = lines(...Array.from({ length: 3000 }, (_, i) => combined(`/p${i}.html`)));
    const result = await run(['-v', '--drop', '--log-queue', address], input);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('WARNING logger: dropping log entry');
    const dropped = Number(/(\d+) dropped/.exec(result.stderr)?.[1]);
    expect(dropped).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/read 3000 lines: 0 downloads, 0 searches, 0 project hits, 0 JSON hits, 3000 page hits; 0 ignored, 0 malformed, \d+ dropped/);
  });

  it('without --drop, waits for a master that comes late and delivers everything', async () => {
    const input = lines(...Array.from({ length: 2500 }, (_, i) => combined(`/p${i}.html`)));
    const proc = start(['--log-queue', address], input);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const socket = await listen();
    const got = await receive(socket, 2500);
    expect(got.map((m) => m.data[0])).toEqual(Array.from({ length: 2500 }, (_, i) => `p${i}`));
    expect((await proc.done).code).toBe(0);
  });

  it('takes its settings from the [logger] section of a configuration file', async () => {
    const socket = await listen();
    const config = join(dir.path, 'piwheels.conf');
    await writeFile(config, `[logger]\nformat = common_vhost\nlog_queue = ${address}\n`);
    const line = 'www.piwheels.org 192.0.2.9 - - [15/Sep/2020:13:00:00 +0100] "GET /faq.html HTTP/1.1" 200 10';
    const result = await run(['-c', config], lines(line));
    expect(result.code).toBe(0);
    // common_vhost logs no User-Agent: the run says so, and nothing is sent.
    expect(result.stderr).toContain('has no %{User-Agent}i: every line will be ignored');
    await expect(Promise.race([socket.receive().then(() => 'received'), new Promise((r) => setTimeout(() => r('nothing'), 200))])).resolves.toBe('nothing');
  });

  it('accepts an Apache LogFormat string', async () => {
    const socket = await listen();
    const format = '%a %{%Y-%m-%d %H:%M:%S %z}t "%r" %>s "%{User-Agent}i"';
    const result = await run(['--format', format, '--log-queue', address], lines('::1 2020-09-15 13:00:00 +0100 "GET /project/Foo/ HTTP/1.1" 200 "curl/7.64"'));
    expect(result.code).toBe(0);
    expect((await receive(socket, 1))[0]).toEqual({ verb: 'LOGPROJECT', data: ['foo', '::1', new Date(Date.UTC(2020, 8, 15, 12)), 'curl/7.64'] });
  });

  it('stops on SIGTERM in piped-log mode, having sent what it read', async () => {
    const socket = await listen();
    const proc = start(['-v', '--drop', '--log-queue', address], lines(MIXED.page, MIXED.json), true);
    expect((await receive(socket, 2)).map((m) => m.verb)).toEqual(['LOGPAGE', 'LOGJSON']);
    proc.child.kill('SIGTERM');
    const result = await proc.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('received SIGTERM; stopping');
    expect(result.stderr).toContain('read 2 lines:');
  });

  it('exits 2 with a clear message for a bad format string', async () => {
    const result = await run(['--format', '%h %t "%r" %>s %Z', '--log-queue', address]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid value for option --format: bad log format "%h %t \\"%r\\" %>s %Z": %Z is not a directive piw-logger supports');
  });

  it('exits 1 naming the file when a file cannot be read, before sending anything', async () => {
    const socket = await listen();
    await writeFile(join(dir.path, 'good.log'), lines(MIXED.page));
    await mkdir(join(dir.path, 'adir'));
    for (const bad of [join(dir.path, 'missing.log'), join(dir.path, 'adir')]) {
      const result = await run(['--log-queue', address, join(dir.path, 'good.log'), bad]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`cannot read ${bad}`);
    }
    await expect(Promise.race([socket.receive().then(() => 'received'), new Promise((r) => setTimeout(() => r('nothing'), 200))])).resolves.toBe('nothing');
  });

  it('exits 1 when a .gz file is corrupt', async () => {
    await writeFile(join(dir.path, 'bad.log.gz'), 'not gzip');
    const result = await run(['--drop', '--log-queue', address, join(dir.path, 'bad.log.gz')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot read .*bad\.log\.gz: incorrect header check/);
  });

  it('exits 2 for an unknown option', async () => {
    const result = await run(['--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unsupported option name ("--bogus")');
  });
});
