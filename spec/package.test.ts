/**
 * package.json lists what the code uses, each where it belongs, checked by knip (which follows the imports
 * from the bins, the npm scripts, jest's tests and the scripts/ tools): every package imported is listed,
 * none listed is unused, and `dependencies` holds exactly what the shipped commands import, so a
 * production install (`npm ci --omit=dev`) has all they need and nothing only tests or benchmarks use
 * (node-pty, say, which drives terminals in tests). System binaries (psql, ldd, gcc...) are Debian's
 * business (scripts/setup/debian-packages.mjs), so knip's "unlisted binaries" are not asked for.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const KNIP = fileURLToPath(new URL('../node_modules/knip/bin/knip.js', import.meta.url));
const CHECKS = ['dependencies', 'unlisted', 'unresolved'].join(',');

function knip(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [KNIP, '--include', CHECKS, '--no-progress', '--no-config-hints', ...args], { cwd: ROOT }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), output: `${stdout}${stderr}` }),
    ),
  );
}

test('every import is listed in package.json and every listed package is imported', async () => {
  expect(await knip()).toEqual({ code: 0, output: '' });
});

test('dependencies holds what the shipped commands import, nothing that only tests, scripts or benchmarks use', async () => {
  expect(await knip('--production')).toEqual({ code: 0, output: '' });
});
