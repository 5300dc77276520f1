import { fileRow, homeView, indexLink, installFile, projectView, sitemapChunks, sortByVersion, versionRow } from '../../../actors/scribe/views.js';
import type { ProjectFileRow } from '../../../actors/scribe/data.js';
import { SLICE } from '../../../actors/scribe/yielding.js';
import { stats } from './helpers.js';

const files: ProjectFileRow[] = [
  ['1.0', 'cp311', 'x-1.0-a.whl', 10, 'h1', false],
  ['2.0rc1', 'none', 'x-2.0rc1.whl', 20, 'h2', true],
  ['1.0', 'cp311', 'x-1.0-b.whl', 10, 'h1', false],
  ['1.10', 'cp311', 'x-1.10.whl', 30, 'h3', false],
  ['junk', 'none', 'x-junk.whl', 1, 'h4', false],
];

test('rows sort newest version first (PEP 440, legacy last), stable within a version; DELVER excludes one version', async () => {
  expect((await sortByVersion(files)).map((f) => f[2])).toEqual(['x-2.0rc1.whl', 'x-1.10.whl', 'x-1.0-a.whl', 'x-1.0-b.whl', 'x-junk.whl']);
  expect((await sortByVersion(files, '1.10')).map((f) => f[2])).toEqual(['x-2.0rc1.whl', 'x-1.0-a.whl', 'x-1.0-b.whl', 'x-junk.whl']);
  expect(files[0]![2]).toBe('x-1.0-a.whl'); // input untouched
});

test('sorting thousands of rows (several slices) agrees with a plain stable sort', async () => {
  const many: ProjectFileRow[] = Array.from({ length: 3 * SLICE + 17 }, (_, i) => [`${i % 97}.${i % 13}`, 'none', `f${i}`, i, 'h', false]);
  const sorted = await sortByVersion(many);
  const [major, minor] = [(r: ProjectFileRow) => Number(r[0].split('.')[0]), (r: ProjectFileRow) => Number(r[0].split('.')[1])];
  const expected = many.map((r, i) => ({ r, i })).sort((a, b) => major(b.r) - major(a.r) || minor(b.r) - minor(a.r) || a.i - b.i).map((x) => x.r);
  expect(sorted).toEqual(expected);
});

test('the install-box file is the newest that is not a pre-release', async () => {
  expect(installFile(await sortByVersion(files))).toBe('x-1.10.whl');
  expect(installFile(await sortByVersion(files.filter((f) => f[0] === '2.0rc1')))).toBeNull();
  expect(installFile([])).toBeNull();
});

test('rows of the package index and the project tables', () => {
  expect(indexLink(files[1]!)).toEqual({ filename: 'x-2.0rc1.whl', hash: 'h2', yanked: true });
  expect(fileRow(files[1]!)).toEqual({ version: '2.0rc1', abi: 'none', filename: 'x-2.0rc1.whl', size: 20, hash: 'h2' });
  expect(versionRow(['2.0rc1', 'binary only', '', 'cp311', true])).toEqual({
    version: '2.0rc1', prerelease: true, yanked: true, succeeded: '', failed: 'cp311', skip: 'binary only',
  });
});

test('project view: display name falls back to the package; apt deps sorted', () => {
  const view = projectView({
    package: 'x',
    versionsCount: 2,
    filesCount: 4,
    aptDependencies: new Set(['zlib1g', 'libc6']),
    description: null,
    displayName: null,
    now: new Date(2024, 1, 2, 3, 4),
  });
  expect(view).toMatchObject({ name: 'x', description: '', apt: ['libc6', 'zlib1g'], pypiUrl: 'https://pypi.org/project/x' });
  expect([view.versionsCount, view.filesCount, view.updated]).toEqual([2, 4, '2024-02-02 03:04']);
});

test('issue 11: the install box shows only Debian package names, whatever an older database holds', () => {
  const view = projectView({
    package: 'x',
    versionsCount: 1,
    filesCount: 1,
    aptDependencies: new Set(['libc6', '$(touch /tmp/PWNED)', 'libfoo; rm -rf ~', 'libgtk-3-0']),
    description: null,
    displayName: null,
    now: new Date(2024, 1, 2, 3, 4),
  });
  expect(view.apt).toEqual(['libc6', 'libgtk-3-0']);
});

test('home view picks packages_built, files_count, downloads_last_month and downloads_all', () => {
  expect(homeView(stats({ packagesBuilt: 1, filesCount: 2, downloadsLastMonth: 3, downloadsAll: 4 }), new Date(2024, 0, 1)).stats).toEqual({
    packagesBuilt: 1, filesCount: 2, downloadsLastMonth: 3, downloadsAll: 4,
  });
});

test('sitemap chunks', () => {
  expect(sitemapChunks(['a', 'b', 'c', 'd', 'e'], 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  expect(sitemapChunks([], 2)).toEqual([]);
});
