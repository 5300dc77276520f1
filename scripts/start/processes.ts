/**
 * The piw-* commands as child processes, for the demo (`npm start`) and the end-to-end tests: run from
 * the sources through tsx (so what runs is what the tree holds, built or not), each in its own process
 * group so that only its owner decides when it stops, with its output appended to a log file and kept
 * line by line for `waitFor`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type PiwCommandName = 'piw-master' | 'piw-slave' | 'piw-initdb' | 'piw-import' | 'piw-remove' | 'piw-rebuild' | 'piw-logger';

/** `node --import tsx cli/<name>.ts`: the command and its leading arguments. */
export function piwCommand(name: PiwCommandName): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli', `${name}.ts`)]];
}

/** The environment the piw-* commands need here: root is refused unless PIW_ALLOW_ROOT=1 (0.18 refuses it). */
export function piwEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (process.geteuid?.() === 0) env.PIW_ALLOW_ROOT = '1';
  return env;
}

export class ProcessExitedError extends Error {
  constructor(
    readonly service: string,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    waitingFor: string,
    tail: string,
  ) {
    super(`${service} exited (${code ?? signal}) while waiting for ${waitingFor}; its last lines:\n${tail}`);
    this.name = 'ProcessExitedError';
  }
}

export interface ServiceOptions {
  /** A name for messages. */
  name: string;
  command: string;
  args: string[];
  /** Where stdout and stderr go (appended); none when omitted. */
  logFile?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How many output lines are kept for `waitFor` and `tail` (default 5000). */
  keepLines?: number;
  /** Called with every line of output. */
  onLine?: (line: string) => void;
}

interface Waiter {
  pattern: RegExp;
  from: number;
  resolve: (match: RegExpMatchArray) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/** A child process whose output is watched line by line. */
export class Service {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves once the process has exited and its output is read. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #lines: string[] = [];
  readonly #keep: number;
  readonly #onLine: ((line: string) => void) | undefined;
  #dropped = 0;
  readonly #waiters = new Set<Waiter>();
  readonly #log: WriteStream | undefined;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(opts: ServiceOptions) {
    this.name = opts.name;
    this.#keep = opts.keepLines ?? 5000;
    this.#onLine = opts.onLine;
    this.#log = opts.logFile === undefined ? undefined : createWriteStream(opts.logFile, { flags: 'a' });
    this.child = spawn(opts.command, opts.args, {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const streams = [this.child.stdout!, this.child.stderr!].map((stream) => {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        this.#log?.write(chunk);
        const parts = (partial + chunk).split('\n');
        partial = parts.pop()!;
        for (const line of parts) this.#line(line);
      });
      return new Promise<void>((done) =>
        stream.on('close', () => {
          if (partial) this.#line(partial);
          done();
        }),
      );
    });
    const spawnFailed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      this.child.once('error', (err) => {
        this.#line(`${this.name}: ${err.message}`);
        done({ code: null, signal: null });
      }),
    );
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      this.child.once('exit', (code, signal) => done({ code, signal })),
    );
    this.exited = Promise.race([spawnFailed, Promise.all([closed, ...streams]).then(([exit]) => exit)]).then(async (exit) => {
      this.#exit = exit;
      for (const w of this.#waiters) this.#fail(w, new ProcessExitedError(this.name, exit.code, exit.signal, String(w.pattern), this.tail()));
      if (this.#log !== undefined) await new Promise<void>((done) => this.#log!.end(done));
      return exit;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.#exit === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Every line kept so far. */
  get lines(): readonly string[] {
    return this.#lines;
  }

  /** The total number of lines seen (a mark for `waitFor`'s `from`). */
  get lineCount(): number {
    return this.#dropped + this.#lines.length;
  }

  /** The lines kept from line number `mark` (a `lineCount` taken earlier) on. */
  linesSince(mark: number): string[] {
    return this.#lines.slice(Math.max(0, mark - this.#dropped));
  }

  /** The last `n` lines, for error messages. */
  tail(n = 40): string {
    return this.#lines.slice(-n).join('\n');
  }

  /**
   * Resolves with the first line (seen at or after line number `from`, default 0) matching `pattern`;
   * rejects when the process exits first or after `timeoutMs` (default: never).
   */
  waitFor(pattern: RegExp, options: { from?: number; timeoutMs?: number } = {}): Promise<RegExpMatchArray> {
    const from = options.from ?? 0;
    for (let i = Math.max(0, from - this.#dropped); i < this.#lines.length; i++) {
      const match = this.#lines[i]!.match(pattern);
      if (match) return Promise.resolve(match);
    }
    if (this.#exit !== undefined) {
      return Promise.reject(new ProcessExitedError(this.name, this.#exit.code, this.#exit.signal, String(pattern), this.tail()));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { pattern, from, resolve, reject, timer: undefined };
      if (options.timeoutMs !== undefined) {
        waiter.timer = setTimeout(
          () => this.#fail(waiter, new Error(`${this.name}: no line matching ${pattern} within ${options.timeoutMs! / 1000} s; its last lines:\n${this.tail()}`)),
          options.timeoutMs,
        );
      }
      this.#waiters.add(waiter);
    });
  }

  /** Sends `signal` to the process itself (not its group). */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /**
   * Stops the process: `signal` (SIGTERM) and up to `graceMs` for it to exit, then SIGKILL to its whole
   * process group. Resolves with how it ended.
   */
  async stop(graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.running) return this.exited;
    this.signal(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), graceMs)));
    const outcome = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') this.kill();
    return this.exited;
  }

  /** SIGKILL to the process group at once. */
  kill(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  #line(line: string): void {
    this.#onLine?.(line);
    this.#lines.push(line);
    if (this.#lines.length > this.#keep) {
      this.#lines.shift();
      this.#dropped += 1;
    }
    const number = this.#dropped + this.#lines.length - 1;
    for (const w of this.#waiters) {
      if (number < w.from) continue;
      const match = line.match(w.pattern);
      if (match) {
        this.#waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(match);
      }
    }
  }

  #fail(w: Waiter, err: Error): void {
    if (!this.#waiters.delete(w)) return;
    clearTimeout(w.timer);
    w.reject(err);
  }
}
