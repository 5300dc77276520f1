import { fileRow, homeView, indexLink, installFile, projectView, sitemapChunks, sortByVersion, versionRow } from '../../../actors/scribe/views.js';
import { projectModel, type FileInfo } from '../../../actors/scribe/project-model.js';
import type { ProjectFile } from '../../../schema/api.js';
import { SLICE } from '../../../actors/scribe/yielding.js';
import { stats } from './helpers.js';

type Row = readonly [string, string, string, number, string, boolean];
const files: Row[] = [
  ['1.0', 'cp311', 'x-1.0-a.whl', 10, 'h1', false],
  ['2.0rc1', 'none', 'x-2.0rc1.whl', 20, 'h2', true],
  ['1.0', 'cp311', 'x-1.0-b.whl', 10, 'h1', false],
  ['1.10', 'cp311', 'x-1.10.whl', 30, 'h3', false],
  ['junk', 'none', 'x-junk.whl', 1, 'h4', false],
];
const T = new Date(2024, 0, 2, 3, 4, 5);
const fileOf = ([version, abi, filename, size, hash]: Row): ProjectFile => [version, filename, size, hash, 'cp311', abi, 'any', null, null, T, [], []];
const model = () =>
  projectModel([
    [
      ['1.0', T, '', false, '', [[1, 'cp311', true], [2, 'cp39', false], [5, 'cp39', false]]],
      ['2.0rc1', T, 'binary only', true, 'broken', [[3, 'cp311', true]]],
      ['1.10', T, '', false, '', []],
      ['junk', new Date(0), '', false, '', []],
    ],
    files.map(fileOf),
  ]);

test('rows sort newest version first (PEP 440, legacy last), stable within a version; DELVER excludes one version', async () => {
  expect((await sortByVersion(files)).map((f) => f[2])).toEqual(['x-2.0rc1.whl', 'x-1.10.whl', 'x-1.0-a.whl', 'x-1.0-b.whl', 'x-junk.whl']);
  expect((await sortByVersion(files, '1.10')).map((f) => f[2])).toEqual(['x-2.0rc1.whl', 'x-1.0-a.whl', 'x-1.0-b.whl', 'x-junk.whl']);
  expect(files[0]![2]).toBe('x-1.0-a.whl'); // input untouched
});

test('sorting thousands of rows (several slices) agrees with a plain stable sort', async () => {
  const many: Row[] = Array.from({ length: 3 * SLICE + 17 }, (_, i) => [`${i % 97}.${i % 13}`, 'none', `f${i}`, i, 'h', false]);
  const sorted = await sortByVersion(many);
  const [major, minor] = [(r: Row) => Number(r[0].split('.')[0]), (r: Row) => Number(r[0].split('.')[1])];
  const expected = many.map((r, i) => ({ r, i })).sort((a, b) => major(b.r) - major(a.r) || minor(b.r) - minor(a.r) || a.i - b.i).map((x) => x.r);
  expect(sorted).toEqual(expected);
});

test('the install-box file is the newest that is neither a pre-release nor yanked', async () => {
  expect(installFile((await model()).files)?.filename).toBe('x-1.10.whl');
  const only = await projectModel([[['2.0rc1', T, '', false, '', []]], [fileOf(files[1]!)]]);
  expect(installFile(only.files)).toBeNull();
  const yanked = await projectModel([[['1.10', T, '', true, '', []], ['1.0', T, '', false, '', []]], files.map(fileOf)]);
  expect(installFile(yanked.files)?.filename).toBe('x-1.0-a.whl');
  expect(installFile([])).toBeNull();
});

test('rows of the package index and the project tables', async () => {
  const m = await model();
  const rc: FileInfo = m.files[0]!;
  expect(indexLink(rc)).toEqual({ filename: 'x-2.0rc1.whl', hash: 'h2', yanked: true, yankedReason: 'broken', requiresPython: null, metadataHash: null });
  expect(fileRow(rc)).toEqual({ version: '2.0rc1', abi: 'none', filename: 'x-2.0rc1.whl', size: 20, hash: 'h2', requiresPython: '' });
  // the newest build of each ABI per outcome, linked when the site has its log
  expect(versionRow(m.releases.find((r) => r.version === '1.0')!, new Set([1, 5]))).toEqual({
    version: '1.0', prerelease: false, yanked: false, yankedReason: '', released: '2024-01-02',
    succeeded: [{ abi: 'cp311', log: '/logs/0000/0000/0001.txt.gz' }], failed: [{ abi: 'cp39', log: '/logs/0000/0000/0005.txt.gz' }], skip: '',
  });
  expect(versionRow(m.releases.find((r) => r.version === '2.0rc1')!, new Set())).toMatchObject({
    prerelease: true, yanked: true, yankedReason: 'broken', succeeded: [{ abi: 'cp311', log: null }], failed: [], skip: 'binary only',
  });
  expect(versionRow(m.releases.find((r) => r.version === 'junk')!, new Set()).released).toBe(''); // never released: 1970
});

test('project view: display name falls back to the package; apt deps sorted', () => {
  const view = projectView({
    package: 'x',
    versionsCount: 2,
    filesCount: 4,
    aptDependencies: new Set(['zlib1g', 'libxml2', 'libc6', 'libffi8']),
    description: null,
    displayName: null,
    now: new Date(2024, 1, 2, 3, 4),
  });
  // libc6 and zlib1g are on every system
  expect(view).toMatchObject({ name: 'x', description: '', apt: ['libffi8', 'libxml2'], pypiUrl: 'https://pypi.org/project/x' });
  expect([view.versionsCount, view.filesCount, view.updated]).toEqual([2, 4, '2024-02-02 03:04']);
});

test('issue 11: the install box shows only Debian package names, whatever an older database holds', () => {
  const view = projectView({
    package: 'x',
    versionsCount: 1,
    filesCount: 1,
    aptDependencies: new Set(['libxml2', '$(touch /tmp/PWNED)', 'libfoo; rm -rf ~', 'libgtk-3-0']),
    description: null,
    displayName: null,
    now: new Date(2024, 1, 2, 3, 4),
  });
  expect(view.apt).toEqual(['libgtk-3-0', 'libxml2']);
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
