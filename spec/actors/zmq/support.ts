/** Helpers for the adapter tests: a temp dir for ipc:// sockets and an event collector to await on. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'piw-zmq-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** An event target that records events and lets a test wait for the n-th one. */
export class Collector<E> {
  readonly events: E[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];

  send = (event: E): void => {
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => (this.events.length >= w.n ? (w.resolve(), false) : true));
  };

  /** Resolves with the first `n` events once they have arrived. */
  async take(n: number): Promise<E[]> {
    if (this.events.length < n) await new Promise<void>((resolve) => this.waiters.push({ n, resolve }));
    return this.events.slice(0, n);
  }
}

/** Both transports every adapter must work over. */
export const transports = [
  ['tcp', async () => ({ address: 'tcp://127.0.0.1:*', cleanup: async () => {} })],
  [
    'ipc',
    async () => {
      const dir = await tempDir();
      return { address: `ipc://${dir.path}/queue`, cleanup: dir.remove };
    },
  ],
] as const;

/** Waits until `condition` holds (for things that arrive over other connections, in no set order). */
export async function eventually(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => setTimeout(resolve, 2));
}
