import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPypiStandin, type PypiStandin } from '../../../scripts/pypi-standin/server.js';

const run = promisify(execFile);

/**
 * Real pip against the stand-in, offline: `pip wheel --index-url <stand-in> pkg==ver`, with build isolation
 * fetching setuptools and wheel from the stand-in too. (pip runs as a child process: the server is in
 * this one.)
 */
let standin: PypiStandin;
let dir: string;
beforeAll(async () => {
  standin = await startPypiStandin({ fixtures: true });
  dir = mkdtempSync(join(tmpdir(), 'piw-pip-test-'));
});
afterAll(async () => {
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

async function pipWheel(python: string, requirement: string): Promise<{ ok: boolean; wheels: string[]; output: string }> {
  const wheelDir = mkdtempSync(join(dir, 'wheels-'));
  const args = ['-m', 'pip', 'wheel', `--index-url=${standin.simpleUrl}`, `--wheel-dir=${wheelDir}`, '--no-deps', '--no-cache-dir', '--disable-pip-version-check', requirement];
  const env = { ...process.env, PIP_CONFIG_FILE: '/dev/null' };
  try {
    const { stdout, stderr } = await run(python, args, { env, cwd: wheelDir });
    return { ok: true, wheels: readdirSync(wheelDir).filter((f) => f.endsWith('.whl')), output: stdout + stderr };
  } catch (err) {
    const failure = err as { stdout: string; stderr: string };
    return { ok: false, wheels: readdirSync(wheelDir).filter((f) => f.endsWith('.whl')), output: failure.stdout + failure.stderr };
  }
}

async function platformTag(python: string): Promise<string> {
  const { stdout } = await run(python, ['-c', 'import sysconfig; print(sysconfig.get_platform().replace("-", "_").replace(".", "_"))']);
  return stdout.trim();
}

describe('pip builds from the PyPI stand-in (offline, with build isolation)', () => {
  test.each([
    ["pyenv's python3", 'python3'],
    ["Debian's /usr/bin/python3", '/usr/bin/python3'],
  ])('the pure-Python package builds a py3-none-any wheel with %s', async (_name, python) => {
    const result = await pipWheel(python, 'piw-demo-pure==1.0');
    expect(result.output).not.toMatch(/Looking in indexes: https?:\/\/(?!127\.0\.0\.1)/);
    expect(result.wheels).toEqual(['piw_demo_pure-1.0-py3-none-any.whl']);
    expect(result.ok).toBe(true);
  });

  test('the C-extension package builds a cp311 wheel for this platform', async () => {
    const result = await pipWheel('python3', 'piw-demo-cext==1.0');
    expect(result.ok).toBe(true);
    expect(result.wheels).toEqual([`piw_demo_cext-1.0-cp311-cp311-${await platformTag('python3')}.whl`]);
  });

  test('an older version of the multi-version package is built on request', async () => {
    const result = await pipWheel('/usr/bin/python3', 'piw-demo-multi==0.2');
    expect(result.wheels).toEqual(['piw_demo_multi-0.2-py3-none-any.whl']);
  });

  test('the broken package fails, with the compiler’s error in the output', async () => {
    const result = await pipWheel('python3', 'piw-demo-broken==1.0');
    expect(result.ok).toBe(false);
    expect(result.wheels).toEqual([]);
    expect(result.output).toContain('broken on purpose');
  });
});
