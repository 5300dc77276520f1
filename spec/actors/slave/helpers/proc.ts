/** Test helpers that look at processes through /proc (a zombie is not alive: PID 1 may never reap it). */
import { readFileSync, existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

function state(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined; // gone meanwhile
  }
}

export function isAlive(pid: number): boolean {
  const s = state(pid);
  return s !== undefined && s !== 'Z' && s !== 'X';
}

/** Waits until a file exists (a child announcing itself); fails the test after `limitMs`. */
export async function waitForFile(path: string, limitMs = 120_000): Promise<void> {
  for (let waited = 0; !existsSync(path); waited += 50) {
    if (waited > limitMs) throw new Error(`${path} never appeared`);
    await sleep(50);
  }
}
