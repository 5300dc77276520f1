/**
 * RunningBuild: the stop and grace rules around one build (behaviours 188, 189). The builders here are
 * small functions with the builder's contract (they honour, or ignore, the abort signal); the real pip
 * builder runs in slave.test.ts.
 */
import { TimeDelta } from '../../../../protocols/cbor/index.js';
import type { BuildOptions, BuildResult } from '../../../../actors/slave/build.js';
import { RunningBuild } from '../../../../actors/slave/client/running-build.js';

function result(pkg: string, version: string, status: boolean, removed: string[]): BuildResult {
  return {
    package: pkg,
    version,
    status,
    duration: new TimeDelta(0, 1),
    output: status ? 'built' : 'stopped',
    files: [],
    dir: `/tmp/${pkg}`,
    cleanup: async () => void removed.push(pkg),
  };
}

/** Ends when told to stop, like pip's process group after SIGTERM. */
const obedient = (removed: string[]) => (pkg: string, version: string, { signal }: BuildOptions) =>
  new Promise<BuildResult>((resolve) => signal!.addEventListener('abort', () => resolve(result(pkg, version, false, removed))));

describe('RunningBuild', () => {
  test('passes the options and an abort signal to the builder, and reports when it has finished', async () => {
    let seen: BuildOptions | undefined;
    const removed: string[] = [];
    const build = new RunningBuild('foo', '1.0', async (pkg, version, options) => {
      seen = options;
      return result(pkg, version, true, removed);
    }, { indexUrl: 'http://index/simple/', timeout: 5000, buildDir: '/srv/build' });
    expect(build.name).toBe('foo 1.0');
    const done = await build.result;
    expect(done.status).toBe(true);
    expect(build.finished).toBe(true);
    expect(seen).toMatchObject({ indexUrl: 'http://index/simple/', timeout: 5000, buildDir: '/srv/build' });
    expect(seen!.signal).toBeInstanceOf(AbortSignal);
    expect(seen!.signal!.aborted).toBe(false);
  });

  test('behaviour 188: discard() stops a running build, waits for it, and removes its temp dir', async () => {
    const removed: string[] = [];
    const build = new RunningBuild('foo', '1.0', obedient(removed), { indexUrl: 'x' });
    expect(build.finished).toBe(false);
    await expect(build.discard()).resolves.toBe(true);
    expect(build.finished).toBe(true);
    expect((await build.result).status).toBe(false);
    expect(removed).toEqual(['foo']);
  });

  test('discard() of a finished build removes its temp dir without stopping anything', async () => {
    const removed: string[] = [];
    let signal: AbortSignal | undefined;
    const build = new RunningBuild('bar', '2', async (pkg, version, options) => {
      signal = options.signal;
      return result(pkg, version, true, removed);
    }, { indexUrl: 'x' });
    await build.result;
    await expect(build.discard()).resolves.toBe(true);
    expect(signal!.aborted).toBe(false);
    expect(removed).toEqual(['bar']);
  });

  test('behaviour 189: a build that ignores the stop is given up after the grace period, its dir left alone', async () => {
    const removed: string[] = [];
    const build = new RunningBuild('stuck', '1', () => new Promise<BuildResult>(() => {}), { indexUrl: 'x' });
    await expect(build.discard(20)).resolves.toBe(false);
    expect(build.finished).toBe(false);
    expect(removed).toEqual([]);
  });

  test('a builder that throws counts as a failed build with the error as its output', async () => {
    const build = new RunningBuild('foo', '1.0', async () => {
      throw new Error('EACCES: permission denied, mkdtemp /srv/build/piw-build-XXXXXX');
    }, { indexUrl: 'x' });
    const done = await build.result;
    expect(done).toMatchObject({ package: 'foo', version: '1.0', status: false, files: [], output: 'EACCES: permission denied, mkdtemp /srv/build/piw-build-XXXXXX' });
    await expect(build.discard()).resolves.toBe(true);
  });
});
