/** The exit guard: a jest run that something left open ends, non-zero, naming what is open; a clean one ends as usual. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'spec', 'support', 'fixtures', 'exit-guard');

function jest(fixture: string) {
  const config = {
    rootDir: FIXTURES,
    testMatch: [`**/${fixture}`],
    transform: {},
    reporters: ['default', join(ROOT, 'spec', 'support', 'exit-guard-reporter.mjs')],
  };
  return spawnSync(
    process.execPath,
    ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--runInBand', '--config', JSON.stringify(config)],
    { cwd: ROOT, encoding: 'utf8', timeout: 50_000, env: { ...process.env, PIW_TEST_EXIT_GRACE_MS: '2000' } },
  );
}

test('a run that leaves a server listening ends with status 3 and says what is open', () => {
  const r = jest('leaks-server.fixture.mjs');
  expect(r.signal).toBeNull();
  expect(r.status).toBe(3);
  expect(r.stderr).toMatch(/Tests:\s+1 passed/);
  expect(r.stderr).toMatch(/jest had not exited 2 s after the run completed; still open: .*TCPServerWrap/);
});

test('a clean run ends by itself with status 0 and no word from the guard', () => {
  const r = jest('clean.fixture.mjs');
  expect(r.status).toBe(0);
  expect(r.stderr).not.toMatch(/had not exited/);
});
