import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianOwners, parseDpkgSearch, usrMergeAlternative } from '../../../actors/slave/dpkg-owners.js';
import { lddLibraries } from '../../../actors/slave/ldd.js';

describe('Debian owners of library files (spec/behaviours.md A.3)', () => {
  test.each([
    ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6'],
    ['/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libc.so.6'],
    ['/lib64/ld-linux-x86-64.so.2', '/usr/lib64/ld-linux-x86-64.so.2'],
    ['/usr/bin/python3', '/bin/python3'],
    ['/usr/local/lib/libfoo.so', undefined],
    ['/opt/lib/libfoo.so', undefined],
    ['/usr/share/libfoo.so', undefined],
  ])('the /usr-merge twin of %s is %s', (path, twin) => {
    expect(usrMergeAlternative(path)).toBe(twin);
  });

  test('dpkg -S output: architecture qualifiers dropped, several owners kept, diversions ignored', () => {
    const out = [
      'diversion by foo from: /usr/lib/libx.so.1',
      'diversion by foo to: /usr/lib/libx.so.1.distrib',
      'libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6',
      'libfoo1:armhf, libfoo-extra: /usr/lib/libfoo.so.1',
      'odd: name: /usr/lib/with: colon.so',
      '',
    ].join('\n');
    expect(parseDpkgSearch(out)).toEqual(
      new Map([
        ['/lib/x86_64-linux-gnu/libc.so.6', ['libc6']],
        ['/usr/lib/libfoo.so.1', ['libfoo-extra', 'libfoo1']],
        ['/usr/lib/with: colon.so', ['odd']],
      ]),
    );
  });

  test('the C library is owned by libc6 under both spellings of its path; a stray file by nothing', async () => {
    const libc = (await lddLibraries('/bin/sh')).find((path) => path.endsWith('/libc.so.6'))!;
    const dir = mkdtempSync(join(tmpdir(), 'piw-dpkg-test-'));
    try {
      const stray = join(dir, 'lib[1]*.so');
      writeFileSync(stray, '');
      const twin = usrMergeAlternative(libc)!;
      const owners = await debianOwners([libc, twin, stray]);
      expect(owners.get(libc)).toEqual(['libc6']);
      expect(owners.get(twin)).toEqual(['libc6']);
      expect(owners.has(stray)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no paths, no question', async () => {
    expect(await debianOwners([])).toEqual(new Map());
  });
});
