/**
 * Runs a piw-* command in this process with captured streams (fast), or as a real process on a
 * pseudo-terminal (for prompts), for the CLI tests.
 */
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CommandClass } from 'clipanion';
import * as pty from 'node-pty';
import { runCli } from '../../../cli/common/run.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` with `argv`; `input` is what stdin holds (then end of input). */
export async function run(command: CommandClass, argv: string[], input = ''): Promise<Ran> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (d) => out.push(String(d)));
  stderr.on('data', (d) => err.push(String(d)));
  stdin.end(input);
  const code = await runCli(command, {
    binaryName: 'piw-test',
    argv,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Starts a TypeScript program of this repository on a pseudo-terminal. `answer(text)` types a line;
 * `waitFor(pattern)` resolves once the output so far matches; `exited` gives the exit status and output.
 */
export function spawnTty(script: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = pty.spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...env } as Record<string, string>,
    cols: 200,
    rows: 50,
  });
  let output = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.onData((d) => {
    output += d;
    for (const w of [...waiters]) {
      if (w.pattern.test(output)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const exited = new Promise<{ code: number; output: string }>((resolve) => child.onExit(({ exitCode }) => resolve({ code: exitCode, output })));
  return {
    answer: (text: string) => child.write(`${text}\r`),
    /** Ends input as a terminal user does (Ctrl+D). */
    endInput: () => child.write('\x04'),
    waitFor: (pattern: RegExp) =>
      pattern.test(output) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ pattern, resolve })),
    exited,
    output: () => output,
  };
}
