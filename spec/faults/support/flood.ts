/** Runs scripts/faults/flood.ts in a child process and resolves with what it sent. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FloodCounts, FloodMessage, FloodPlan } from '../../../scripts/faults/flood.js';

const FLOOD = fileURLToPath(new URL('../../../scripts/faults/flood.ts', import.meta.url));

export function runFlood(plan: FloodPlan): Promise<{ sent: FloodCounts; ms: number }> {
  const child = fork(FLOOD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (msg: FloodMessage) => resolve({ sent: msg.sent, ms: msg.ms }));
    child.once('exit', (code) => reject(new Error(`the flood exited (${code}) before it reported`)));
    child.send({ type: 'start', plan });
  });
}

/** Total messages sent per target. */
export function totals(sent: FloodCounts): Record<string, number> {
  return Object.fromEntries(Object.entries(sent).map(([target, kinds]) => [target, Object.values(kinds).reduce((a, b) => a + (b ?? 0), 0)]));
}
