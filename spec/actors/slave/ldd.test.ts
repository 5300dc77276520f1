import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lddLibraries, parseLddOutput } from '../../../actors/slave/ldd.js';

const SAMPLE = [
  '\tlinux-vdso.so.1 (0x00007ffd6b5f2000)',
  '\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f2f0d1f0000)',
  '\tlibmissing.so.3 => not found',
  '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2f0d000000)',
  '\t/lib64/ld-linux-x86-64.so.2 (0x00007f2f0d220000)',
  '',
].join('\n');

describe('ldd (spec/behaviours.md A.3)', () => {
  test('only "name => /path (0x…)" lines name libraries', () => {
    expect(parseLddOutput(SAMPLE)).toEqual(['/lib/x86_64-linux-gnu/libz.so.1', '/lib/x86_64-linux-gnu/libc.so.6']);
  });

  test('a real dynamic executable needs the C library', async () => {
    const libs = await lddLibraries('/bin/sh');
    expect(libs.some((path) => path.endsWith('/libc.so.6'))).toBe(true);
  });

  test('a file ldd cannot handle has no libraries, as in 0.18', async () => {
    expect(await lddLibraries('/etc/os-release')).toEqual([]);
  });

  describe('with an ldd that never answers', () => {
    let dir: string;
    const path = process.env.PATH;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'piw-ldd-test-'));
      writeFileSync(join(dir, 'ldd'), '#!/bin/sh\nexec sleep 600\n');
      chmodSync(join(dir, 'ldd'), 0o755);
      process.env.PATH = `${dir}:${path}`;
    });
    afterAll(() => {
      process.env.PATH = path;
      rmSync(dir, { recursive: true, force: true });
    });

    test('the per-library timeout makes the analysis fail (A.3)', async () => {
      await expect(lddLibraries('/bin/sh', { timeout: 200 })).rejects.toMatchObject({
        code: 'PIW_ERR_BUILD_DEPENDENCIES',
        message: expect.stringContaining('timed out'),
      });
    });

    test('an abort stops the analysis as a stopped build', async () => {
      const abort = new AbortController();
      const pending = lddLibraries('/bin/sh', { signal: abort.signal });
      abort.abort();
      await expect(pending).rejects.toMatchObject({ code: 'PIW_ERR_BUILD_ABORTED' });
    });
  });
});
