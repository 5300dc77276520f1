import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveGroupMembers, runInProcessGroup } from '../../../actors/slave/process-group.js';
import { isAlive, waitForFile } from './helpers/proc.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'piw-pgroup-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sh = (script: string, ...args: string[]) => ['/bin/sh', ['-c', script, 'sh', ...args]] as const;

describe('runInProcessGroup (spec/behaviours.md A.3, 195; protocols/README.md §7)', () => {
  test('reports the exit code of a command that runs its course', async () => {
    const result = await runInProcessGroup(...sh('exit 3'));
    expect(result.exitCode).toBe(3);
    expect(result.error).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  test('the command leads its own process group', async () => {
    const out = join(dir, 'pgid');
    const result = await runInProcessGroup(...sh('cut -d" " -f5 /proc/$$/stat > "$1"', out));
    expect(Number(readFileSync(out, 'utf8'))).toBe(result.pid);
  });

  test('stdin, stdout and stderr are /dev/null (A.3)', async () => {
    const out = join(dir, 'fds');
    await runInProcessGroup(...sh('l=$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2); echo "$l" > "$1"', out));
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual(['/dev/null', '/dev/null', '/dev/null']);
  });

  test('the data limit applies to the command (RLIMIT_DATA, A.3)', async () => {
    const out = join(dir, 'limit');
    await runInProcessGroup(...sh('ulimit -d > "$1"', out), { dataLimit: 1024 ** 3 });
    expect(readFileSync(out, 'utf8').trim()).toBe(String(1024 ** 2)); // KiB
  });

  test('the environment given is the environment the command sees', async () => {
    const out = join(dir, 'env');
    await runInProcessGroup(...sh('printf %s "$GIT_ALLOW_PROTOCOL" > "$1"', out), { env: { ...process.env, GIT_ALLOW_PROTOCOL: 'file' } });
    expect(readFileSync(out, 'utf8')).toBe('file');
  });

  test('a timeout kills the whole group, not just the leader (unlike 0.18)', async () => {
    const result = await runInProcessGroup(...sh('sleep 600 & sleep 600 & wait'), { timeout: 300 });
    expect(result.error?.code).toBe('PIW_ERR_BUILD_TIMEOUT');
    expect(result.error?.message).toMatch(/timed out after 0\.3 s/);
    expect(liveGroupMembers(result.pid!)).toEqual([]);
  });

  test('an abort stops the leader and every process it started', async () => {
    const pidFile = join(dir, 'child');
    const abort = new AbortController();
    const running = runInProcessGroup(...sh('sleep 600 & echo $! > "$1"; wait', pidFile), { signal: abort.signal });
    await waitForFile(pidFile);
    const child = Number(readFileSync(pidFile, 'utf8'));
    abort.abort();
    const result = await running;
    expect(result.error?.code).toBe('PIW_ERR_BUILD_ABORTED');
    expect(isAlive(child)).toBe(false);
    expect(liveGroupMembers(result.pid!)).toEqual([]);
  });

  test('a group that ignores SIGTERM is killed with SIGKILL after the grace period', async () => {
    const pidFile = join(dir, 'child');
    const abort = new AbortController();
    const running = runInProcessGroup(...sh(`trap '' TERM; sleep 600 & echo $! > "$1"; wait; wait`, pidFile), {
      signal: abort.signal,
      grace: 200,
    });
    await waitForFile(pidFile);
    abort.abort();
    const result = await running;
    expect(result.exitSignal).toBe('SIGKILL');
    expect(isAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
    expect(liveGroupMembers(result.pid!)).toEqual([]);
  });

  test('an already aborted signal starts nothing', async () => {
    const abort = new AbortController();
    abort.abort();
    const result = await runInProcessGroup(...sh('exit 0'), { signal: abort.signal });
    expect(result.pid).toBeUndefined();
    expect(result.error?.code).toBe('PIW_ERR_BUILD_ABORTED');
  });

  test.each([
    ['directly', undefined],
    ['under the data limit', 1024 ** 3],
  ])('a command that does not exist is a typed error (%s)', async (_how, dataLimit) => {
    const result = await runInProcessGroup(join(dir, 'no-such-python'), ['-V'], { dataLimit });
    expect(result.error?.code).toBe('PIW_ERR_BUILD_SPAWN');
    expect(result.error?.message).toContain('no-such-python');
  });
});
