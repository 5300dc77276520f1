/**
 * The set-up in front of `npm test` (scripts/setup.mjs): a user who is not root and lacks Debian packages
 * gets one message with the exact apt-get line, and a non-zero exit before any test runs. dpkg-query is
 * the real one, pointed at an empty package database (DPKG_ADMINDIR) so that every package is missing.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../scripts/start/processes.js';
// @ts-expect-error: plain JavaScript (it runs before TypeScript is installed), typed by use here.
import { TEST_PACKAGES } from '../../scripts/setup/debian-packages.mjs';

const NOBODY = 65534;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'piw-setup-'));
  await mkdir(path.join(dir, 'dpkg', 'info'), { recursive: true });
  await writeFile(path.join(dir, 'dpkg', 'status'), '');
  await chmod(dir, 0o755);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const asRoot = process.geteuid?.() === 0 ? test : test.skip;

asRoot('npm test as a user who is not root: missing Debian packages are named with the exact apt-get line, exit 1, no test run', () => {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'setup.mjs'), 'test', '--listTests'], {
    cwd: ROOT,
    uid: NOBODY,
    gid: NOBODY,
    env: { PATH: process.env.PATH, HOME: dir, DPKG_ADMINDIR: path.join(dir, 'dpkg') },
    encoding: 'utf8',
  });
  const names = Object.keys(TEST_PACKAGES as Record<string, string>);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`Install them with:\n  sudo apt-get install -y ${names.join(' ')}\n`);
  for (const name of names) expect(result.stderr).toMatch(new RegExp(`^  ${name}: \\S`, 'm'));
  expect(result.stdout).not.toMatch(/\.test\.ts/);
});
