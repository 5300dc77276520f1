/** Runs scripts/faults/flood.ts in a child process and resolves with what it sent. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FloodCounts, FloodMessage, FloodPlan, FloodTarget } from '../../../scripts/faults/flood.js';
import type { MasterAddresses } from '../../../scripts/faults/master.js';

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

/** Every socket of a master, as the flood's targets. */
export function everySocket(a: MasterAddresses): FloodTarget[] {
  return [
    { name: 'slave', socket: 'request', address: a.slave },
    { name: 'import', socket: 'request', address: a.import },
    { name: 'file', socket: 'file', address: a.file },
    { name: 'control', socket: 'pull', address: a.control },
    { name: 'log', socket: 'pull', address: a.log },
    { name: 'status', socket: 'status', address: a.status },
  ];
}
