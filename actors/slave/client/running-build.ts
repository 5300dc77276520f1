/**
 * The build the slave is running, from BUILD until its temp dir is gone: the builder's promise, the abort
 * that stops it (DONE, DIE, a signal, a lost master) and the grace it gets to end (behaviours 188, 189).
 * The slave-client machine's `build` actor waits on `result` and aborts the build when its state is left;
 * its `cleanup` actor calls `discard()`. A builder that throws (the build dir cannot be written, say) counts as a failed build with
 * the error as its output, as 0.18's build thread reported any exception.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TimeDelta } from '../../../protocols/cbor/index.js';
import type { BuildOptions, BuildResult } from '../build.js';

/** What runs one build: `build` from actors/slave, or a stand-in in the loopback harness. */
export type Builder = (pkg: string, version: string, options: BuildOptions) => Promise<BuildResult>;

/** 0.18 joins a stopped build thread for one minute before giving up on it (behaviour 189). */
export const STOP_GRACE_MS = 60_000;

const failedBuild = (pkg: string, version: string, error: unknown): BuildResult => ({
  package: pkg,
  version,
  status: false,
  duration: new TimeDelta(),
  output: error instanceof Error ? error.message : String(error),
  files: [],
  dir: '',
  cleanup: async () => {},
});

export class RunningBuild {
  readonly result: Promise<BuildResult>;
  readonly #abort = new AbortController();
  #settled: BuildResult | undefined;

  constructor(
    readonly pkg: string,
    readonly version: string,
    builder: Builder,
    options: Omit<BuildOptions, 'signal'>,
  ) {
    let started: Promise<BuildResult>;
    try {
      started = builder(pkg, version, { ...options, signal: this.#abort.signal });
    } catch (error) {
      started = Promise.reject(error);
    }
    this.result = started.then(
      (result) => (this.#settled = result),
      (error: unknown) => (this.#settled = failedBuild(pkg, version, error)),
    );
  }

  get name(): string {
    return `${this.pkg} ${this.version}`;
  }

  /** Whether the build has ended (its result is ready). */
  get finished(): boolean {
    return this.#settled !== undefined;
  }

  /** Tells the build to stop (its whole process group); `result` settles once it has. */
  abort(): void {
    this.#abort.abort();
  }

  /**
   * Stops the build if it is still running and waits at most `graceMs` for it to end; resolves false if
   * it did not.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<boolean> {
    if (this.#settled !== undefined) return true;
    this.abort();
    const wait = new AbortController();
    try {
      return await Promise.race([this.result.then(() => true), sleep(graceMs, false, { signal: wait.signal }).catch(() => false)]);
    } finally {
      wait.abort();
    }
  }

  /** Stops the build and removes its temp dir; resolves false if the build would not stop. */
  async discard(graceMs = STOP_GRACE_MS): Promise<boolean> {
    if (!(await this.stop(graceMs))) return false;
    await this.#settled!.cleanup();
    return true;
  }
}
