/**
 * piw-master as a real process (through tsx) for the CLI tests: every address in a temp dir or on a free
 * loopback port, PyPI unreachable, the site in the temp dir; stderr watched for log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './common/harness.js';

const CLI = path.join(ROOT, 'cli', 'piw-master.ts');

/** The line the master logs once every task is up. */
export const MASTER_READY = /INFO master: all tasks ready/;

export function masterAddressArgs(dir: string): string[] {
  const ipc = (name: string) => `ipc://${path.join(dir, name)}`;
  return [
    '--status-queue', ipc('status'),
    '--control-queue', ipc('control'),
    '--import-queue', ipc('import'),
    '--log-queue', ipc('log'),
    '--slave-queue', 'tcp://127.0.0.1:*',
    '--file-queue', 'tcp://127.0.0.1:*',
    '--pypi-xmlrpc', 'http://127.0.0.1:9/pypi',
    '--pypi-json', 'http://127.0.0.1:9/pypi',
    '-o', path.join(dir, 'www'),
  ];
}

/** Starts piw-master (HOME in `dir`, added to `children`); `waitFor` resolves once stderr matches, `exited` with the status and all of stderr. */
export function spawnMasterIn(dir: string, children: Set<ChildProcess>, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, HOME: dir, PIW_ALLOW_ROOT: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stderr!.on('data', (d) => {
    stderr += String(d);
    check();
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`piw-master exited (${code}) before ${w.pattern}:\n${stderr}`));
      resolve({ code, stderr });
    }),
  );
  return {
    child,
    exited,
    stderr: () => stderr,
    waitFor: (pattern: RegExp) =>
      pattern.test(stderr) ? Promise.resolve() : new Promise<void>((resolve, reject) => (waiters.push({ pattern, resolve, reject }), check())),
  };
}
