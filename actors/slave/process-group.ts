/**
 * Runs one command as the leader of its own process group, so that a timeout or a stop request can end
 * everything it started (pip, setup.py, compilers...), not just the leader. Unlike 0.18, the timeout is
 * enforced. stdin, stdout and stderr are /dev/null: builds write only to their log file.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { PiwError } from '../../protocols/errors.js';
import { BuildAbortedError, BuildSpawnError, BuildTimeoutError } from './errors.js';

/** SIGTERM → SIGKILL grace for a stopped build (protocols/README.md §7: "terminate, 10 s, kill"). */
export const DEFAULT_KILL_GRACE_MS = 10_000;

export interface GroupRunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Wall-clock limit in milliseconds; 0 or undefined means none. */
  timeout?: number;
  /** Aborting stops the whole group. */
  signal?: AbortSignal;
  /** Milliseconds between SIGTERM and SIGKILL when the group is stopped. */
  grace?: number;
  /** RLIMIT_DATA in bytes for the leader and everything it starts (inherited across fork/exec). */
  dataLimit?: number;
}

export interface GroupRunResult {
  /** The leader's pid, which is also the process group id; undefined when nothing was started. */
  pid: number | undefined;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  /** Wall time from spawn to the leader's exit. */
  durationMs: number;
  /** Why the command did not run its course (timeout, stop request, could not start); undefined otherwise. */
  error?: PiwError;
}

// The shell's exit codes for a command it could not exec.
const EXEC_FAILURES: Record<number, string> = { 126: 'not executable (or the data limit could not be set)', 127: 'command not found' };

// `ulimit -d` takes KiB; `exec` keeps the leader's pid (and so the group id) for the real command.
const LIMIT_SCRIPT = 'ulimit -d "$1" || exit 126; shift; exec "$@"';

// How long to wait for killed processes to vanish (one in uninterruptible sleep can take a moment).
const REAP_WAIT_MS = 5_000;

/**
 * Pids of the live members of a process group, read from /proc. Zombies do not count: they have ended, and
 * PID 1 of a container may never reap them.
 */
export function liveGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue; // ended meanwhile
    }
    // Fields after the parenthesised command name: state, ppid, pgrp, ...
    const [state, , pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push(Number(name));
  }
  return members;
}

async function waitForGroupEnd(pgid: number): Promise<void> {
  for (let waited = 0; waited < REAP_WAIT_MS && liveGroupMembers(pgid).length > 0; waited += 20) await sleep(20);
}

export function runInProcessGroup(command: string, args: readonly string[], options: GroupRunOptions = {}): Promise<GroupRunResult> {
  const { cwd, env, timeout, signal, grace = DEFAULT_KILL_GRACE_MS, dataLimit } = options;
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve({ pid: undefined, exitCode: null, exitSignal: null, durationMs: 0, error: new BuildAbortedError() });
      return;
    }
    const [file, argv] =
      dataLimit === undefined
        ? [command, [...args]]
        : ['/bin/sh', ['-c', LIMIT_SCRIPT, 'sh', String(Math.ceil(dataLimit / 1024)), command, ...args]];
    const started = performance.now();
    const child = spawn(file, argv, { cwd, env, stdio: 'ignore', detached: true });
    let error: PiwError | undefined;
    let done = false;
    let graceTimer: NodeJS.Timeout | undefined;

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    };
    const stop = (why: PiwError) => {
      if (error !== undefined || done) return;
      error = why;
      killGroup('SIGTERM');
      graceTimer = setTimeout(() => killGroup('SIGKILL'), grace);
    };
    const onAbort = () => stop(new BuildAbortedError());
    const timer = timeout ? setTimeout(() => stop(new BuildTimeoutError(timeout / 1000)), timeout) : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });

    const finish = async (exitCode: number | null, exitSignal: NodeJS.Signals | null, failure?: PiwError) => {
      if (done) return;
      done = true;
      const durationMs = performance.now() - started;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      signal?.removeEventListener('abort', onAbort);
      // Whatever the leader left behind in its group (daemonised helpers, compilers still running) goes too,
      // and is gone before the caller removes the build directory.
      killGroup('SIGKILL');
      if (child.pid !== undefined) await waitForGroupEnd(child.pid);
      if (error === undefined && failure === undefined && dataLimit !== undefined && exitCode !== null && EXEC_FAILURES[exitCode]) {
        failure = new BuildSpawnError(command, EXEC_FAILURES[exitCode]!);
      }
      resolve({ pid: child.pid, exitCode, exitSignal, durationMs, error: error ?? failure });
    };
    child.once('error', (err) => void finish(null, null, new BuildSpawnError(command, err.message)));
    child.once('exit', (code, sig) => void finish(code, sig));
  });
}
