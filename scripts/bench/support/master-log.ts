/** A benchmark's piw-master child: waiting for it to be ready, and reading the addresses it bound from its log. */
import type { ChildProcess } from 'node:child_process';

/** Resolves with the master's log so far once it says every task is ready; rejects if it exits or takes over `timeoutMs`. */
export async function masterReady(child: ChildProcess, timeoutMs = 180_000): Promise<string> {
  let log = '';
  child.stderr!.on('data', (d) => (log += String(d)));
  return logReady(child, () => log, timeoutMs);
}

/** The same for a master whose log is read by `read` (e.g. from the file its stderr goes to). */
export async function logReady(child: ChildProcess, read: () => string, timeoutMs = 180_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let log = read();
  while (!/all tasks ready/.test(log)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`piw-master did not start:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    log = read();
  }
  return log;
}

/** The tcp:// address the master logged after `what` (e.g. "listening for slaves on"), as a client connects to it. */
export function boundAddress(log: string, what: string): string {
  const m = new RegExp(`${what} (tcp://\\S+)`).exec(log);
  if (!m) throw new Error(`piw-master did not log "${what} tcp://…"`);
  return m[1]!.replace(/\[::ffff:([\d.]+)\]/, '$1');
}
