/**
 * What the piw-monitor tests run: a real piw-master process on the embedded database (PGlite) with its
 * queues in a temp dir, slaves speaking the slave protocol over REQ sockets, and piw-monitor itself on a
 * pseudo-terminal (node-pty) whose output a real terminal emulator (@xterm/headless) turns into the screen
 * a person would see.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import xtermHeadless from '@xterm/headless';
import * as pty from 'node-pty';
import { ROOT } from '../common/harness.js';
import { TestSlave } from '../../actors/slave-driver/support/harness.js';
import { slaveHelloData } from '../../machines/farm/fixtures.js';

const { Terminal } = xtermHeadless;

const MASTER = path.join(ROOT, 'cli', 'piw-master.ts');
const MONITOR = path.join(ROOT, 'cli', 'piw-monitor.ts');

/** Resolves once `check()` holds, trying again whenever `poke` fires and at least every 100 ms. */
async function until<T>(what: string, check: () => T | undefined | false, timeoutMs: number, describe: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = check();
    if (result !== undefined && result !== false) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; now:\n${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface MasterProcess {
  child: ChildProcess;
  statusQueue: string;
  controlQueue: string;
  slaveQueue: string;
  log(): string;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  /** A slave that has said HELLO (with this label) and asked for work once; it says BYE in `byeAll`. */
  slave(label: string): Promise<{ slave: TestSlave; id: number }>;
  /** Every slave says BYE (the master forgets it) and disconnects. */
  byeAll(): Promise<void>;
  stop(): Promise<void>;
}

/** piw-master -v on PGlite in `dir`, every queue in `dir` or on a free loopback port, PyPI unreachable. */
export async function startMaster(dir: string, name = 'master'): Promise<MasterProcess> {
  const ipc = (q: string) => `ipc://${path.join(dir, `${name}-${q}`)}`;
  const statusQueue = ipc('status');
  const controlQueue = ipc('control');
  const child = spawn(
    process.execPath,
    [
      '--import', 'tsx', MASTER, '-v',
      '--status-queue', statusQueue, '--control-queue', controlQueue,
      '--import-queue', ipc('import'), '--log-queue', ipc('log'),
      '--slave-queue', 'tcp://127.0.0.1:*', '--file-queue', 'tcp://127.0.0.1:*',
      '--pypi-xmlrpc', 'http://127.0.0.1:9/pypi', '--pypi-json', 'http://127.0.0.1:9/pypi',
      '-o', path.join(dir, `${name}-www`),
    ],
    { cwd: ROOT, env: { ...process.env, HOME: dir, XDG_DATA_HOME: path.join(dir, `${name}-data`), PIW_ALLOW_ROOT: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (d) => (log += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const waitForLog = (pattern: RegExp, timeoutMs = 120_000) =>
    until(`the master to log ${pattern}`, () => log.match(pattern) ?? (child.exitCode !== null ? (() => { throw new Error(`piw-master exited:\n${log}`); })() : undefined), timeoutMs, () => log);
  const listening = await waitForLog(/listening for slaves on (tcp:\/\/\S+)/);
  await waitForLog(/all tasks ready/);
  const slaves: TestSlave[] = [];
  const byeAll = async () => {
    await Promise.all(
      slaves.splice(0).map(async (s) => {
        await s.bye().catch(() => {});
        await s.close().catch(() => {});
      }),
    );
  };
  const slaveQueue = listening[1]!.replace(/\[::ffff:([\d.]+)\]/, '$1');
  return {
    child,
    statusQueue,
    controlQueue,
    slaveQueue,
    log: () => log,
    waitForLog,
    exited,
    async slave(label) {
      const slave = new TestSlave(slaveQueue);
      slaves.push(slave);
      const ack = await slave.client.request({ verb: 'HELLO', data: slaveHelloData({ label }) });
      if (ack.verb !== 'ACK') throw new Error(`HELLO answered ${ack.verb}`);
      await slave.idle();
      return { slave, id: ack.data[0] };
    },
    byeAll,
    async stop() {
      await byeAll();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Keys as a terminal sends them. */
export const KEYS = { up: '\x1b[A', down: '\x1b[B', right: '\x1b[C', left: '\x1b[D', enter: '\r', tab: '\t', ctrlC: '\x03' };

export interface MonitorProcess {
  /** The screen as the emulator shows it, one string per row. */
  screen(): string[];
  /** Waits until the screen (joined by newlines) matches. */
  waitForScreen(pattern: RegExp, timeoutMs?: number): Promise<string>;
  press(keys: string): void;
  resize(cols: number, rows: number): void;
  /** A left click at a zero-based cell (SGR mouse report, which the monitor asks for). */
  click(x: number, y: number): void;
  signal(signal: NodeJS.Signals): void;
  /** Everything the monitor wrote, raw. */
  output(): string;
  /** Whether the emulator is back to the normal screen with mouse reporting off and the cursor shown. */
  restored(): { normalScreen: boolean; mouseOff: boolean; cursorShown: boolean };
  exited: Promise<number>;
  kill(): void;
}

export function startMonitor(args: string[], opts: { cols?: number; rows?: number; env?: NodeJS.ProcessEnv } = {}): MonitorProcess {
  const cols = opts.cols ?? 80;
  const rows = opts.rows ?? 24;
  const term = new Terminal({ cols, rows, allowProposedApi: true });
  const child = pty.spawn(process.execPath, ['--import', 'tsx', MONITOR, ...args], {
    cwd: ROOT,
    name: 'xterm-256color',
    cols,
    rows,
    env: { ...process.env, TERM: 'xterm-256color', COLORTERM: 'truecolor', ...opts.env } as Record<string, string>,
  });
  let output = '';
  let pending = 0;
  child.onData((d) => {
    output += d;
    pending++;
    term.write(d, () => pending--);
  });
  // Settles once the emulator has parsed everything the monitor wrote (xterm parses writes later), so a
  // test that checks the screen after exit sees the monitor's last output, its restore sequences among it.
  const exited = new Promise<number>((resolve) => child.onExit(({ exitCode }) => term.write('', () => resolve(exitCode))));
  const screen = () => {
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < term.rows; y++) lines.push((buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '').trimEnd());
    return lines;
  };
  return {
    screen,
    waitForScreen: (pattern, timeoutMs = 60_000) =>
      until(`the screen to show ${pattern}`, () => pending === 0 && pattern.test(screen().join('\n')) && screen().join('\n'), timeoutMs, () => screen().join('\n')),
    press: (keys) => child.write(keys),
    resize(c, r) {
      term.resize(c, r);
      child.resize(c, r);
    },
    click: (x, y) => child.write(`\x1b[<0;${x + 1};${y + 1}M\x1b[<0;${x + 1};${y + 1}m`),
    signal: (signal) => process.kill(child.pid, signal),
    output: () => output,
    restored() {
      const shown = output.lastIndexOf('\x1b[?25h');
      return {
        normalScreen: term.buffer.active.type === 'normal',
        mouseOff: term.modes.mouseTrackingMode === 'none',
        cursorShown: shown >= 0 && shown > output.lastIndexOf('\x1b[?25l'),
      };
    },
    exited,
    kill: () => child.kill('SIGKILL'),
  };
}
