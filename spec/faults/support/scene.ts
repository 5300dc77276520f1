/**
 * What every fault test file shares: the scene a test sets up (its world, its wire slaves, anything else to
 * take down) and the file's hooks that take it down after each test, slaves first, and print the file's
 * report at the end; and `until`, the suite's wait for a condition with a deadline.
 */
import type { WireSlave } from '../../../scripts/faults/wire-slave.js';
import { printReport } from './report.js';
import type { FaultWorld } from './world.js';

export interface FaultScene {
  world: FaultWorld | undefined;
  slaves: WireSlave[];
  /** Run after the world is closed (e.g. a private PostgreSQL cluster's shutdown). */
  cleanups: (() => unknown)[];
}

/** Registers the hooks of a fault test file whose report is headed `title`. */
export function faultScene(title: string): FaultScene {
  const scene: FaultScene = { world: undefined, slaves: [], cleanups: [] };
  afterEach(async () => {
    await Promise.all(scene.slaves.map((s) => s.stop()));
    scene.slaves = [];
    await scene.world?.close();
    scene.world = undefined;
    for (const cleanup of scene.cleanups.splice(0)) await cleanup();
  });
  afterAll(() => printReport(title));
  return scene;
}

export async function until(what: string, condition: () => boolean, timeoutMs: number, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
