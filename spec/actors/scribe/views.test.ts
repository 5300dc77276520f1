import { homeView, installFile, packageIndexView, projectView, sitemapChunks, sortFiles } from '../../../actors/scribe/views.js';
import type { ProjectFileRow } from '../../../actors/scribe/data.js';
import { stats } from './helpers.js';

const files: ProjectFileRow[] = [
  ['1.0', 'cp311', 'x-1.0-a.whl', 10, 'h1', false],
  ['2.0rc1', 'none', 'x-2.0rc1.whl', 20, 'h2', true],
  ['1.0', 'cp311', 'x-1.0-b.whl', 10, 'h1', false],
  ['1.10', 'cp311', 'x-1.10.whl', 30, 'h3', false],
];

test('files sort newest version first, stable within a version, and DELVER excludes one version', () => {
  expect(sortFiles(files).map((f) => f[2])).toEqual(['x-2.0rc1.whl', 'x-1.10.whl', 'x-1.0-a.whl', 'x-1.0-b.whl']);
  expect(sortFiles(files, '1.10').map((f) => f[2])).toEqual(['x-2.0rc1.whl', 'x-1.0-a.whl', 'x-1.0-b.whl']);
});

test('the install-box file is the newest that is not a pre-release', () => {
  expect(installFile(sortFiles(files))).toBe('x-1.10.whl');
  expect(installFile(sortFiles(files.filter((f) => f[0] === '2.0rc1')))).toBeNull();
  expect(installFile([])).toBeNull();
});

test('package index view keeps filename, hash and yanked', () => {
  expect(packageIndexView('x', sortFiles(files)).files[0]).toEqual({ filename: 'x-2.0rc1.whl', hash: 'h2', yanked: true });
});

test('project view: display name falls back to the package, versions sorted and marked', () => {
  const view = projectView({
    package: 'x',
    versions: [['1.0', '', 'cp311', '', false], ['2.0rc1', '', '', 'cp311', true], ['1.10', 'binary only', '', '', false]],
    sortedFiles: sortFiles(files),
    aptDependencies: new Set(['zlib1g', 'libc6']),
    description: null,
    displayName: null,
    now: new Date(2024, 1, 2, 3, 4),
    exclude: '1.0',
  });
  expect(view.name).toBe('x');
  expect(view.description).toBe('');
  expect(view.apt).toEqual(['libc6', 'zlib1g']);
  expect(view.versions.map((v) => [v.version, v.prerelease, v.yanked, v.skip])).toEqual([
    ['2.0rc1', true, true, ''],
    ['1.10', false, false, 'binary only'],
  ]);
  expect([view.versionsCount, view.filesCount, view.updated]).toEqual([2, 4, '2024-02-02 03:04']);
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
