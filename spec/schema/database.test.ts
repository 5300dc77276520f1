/**
 * The database API (schema/database.ts) as the unprivileged master role, on a real PostgreSQL server and on
 * the embedded PGlite: every operation of the manual's Database class, behaviours 173–180 (the Oracle's
 * verbs are these operations), the build-queue rules of spec/behaviours.md A.1/A.2 and 129, cascades, and the
 * grants model.
 */
import { TimeDelta } from '../../protocols/cbor/index.js';
import type { TestBackend } from '../support/postgres.js';
import { BACKENDS, openBackend } from '../support/postgres.js';
import { isDataRejection } from '../../schema/access-log.js';
import { build, daysAgo, minutesAgo, wheel } from './builders.js';

/** The 38 functions of the 0.18 model (schema/README.md §4). */
const FUNCTIONS_018 = [
  'get_pypi_serial', 'set_pypi_serial', 'add_new_package', 'add_new_package_version', 'add_package_name',
  'get_project_display_name', 'get_package_aliases', 'set_package_description', 'get_package_description',
  'skip_package', 'skip_package_version', 'delete_package', 'delete_version', 'yank_version', 'unyank_version',
  'test_package', 'package_marked_deleted', 'test_package_version', 'get_versions_deleted', 'log_download',
  'log_search', 'log_project', 'log_json', 'log_page', 'log_build_success', 'log_build_failure', 'delete_build',
  'get_build_queue', 'get_statistics', 'get_builds_last_hour', 'get_search_index', 'get_package_files',
  'get_version_files', 'get_project_versions', 'get_project_files', 'get_file_apt_dependencies',
  'save_rewrites_pending', 'load_rewrites_pending',
];

describe.each(BACKENDS)('database API on %s', (kind) => {
  let b: TestBackend;

  beforeAll(async () => {
    b = await openBackend(kind);
  });
  afterAll(async () => {
    await b?.close();
  });
  beforeEach(async () => {
    await b.reset();
  });

  const abis = (...tags: [string, string?][]) =>
    b.admin(async (sql) => {
      for (const [tag, skip = ''] of tags) await sql`INSERT INTO build_abis (abi_tag, skip) VALUES (${tag}, ${skip})`;
    });
  const count = (table: string) => b.admin(async (sql) => Number((await sql.unsafe(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n));

  describe('packages and versions', () => {
    test('NEWPKG answers true then false for a duplicate (behaviour 173)', async () => {
      expect(await b.db.addNewPackage('foo', '', 'A package')).toBe(true);
      expect(await b.db.addNewPackage('foo', '', 'Another')).toBe(false);
      expect(await b.db.getPackageDescription('foo')).toBe('A package');
      expect(await b.db.getAllPackages()).toEqual(new Set(['foo']));
    });

    test('NEWVER answers true then false, and stores a missing release time as 1970-01-01 (behaviour 173)', async () => {
      await b.db.addNewPackage('foo');
      const released = new Date('2021-03-04T05:06:07Z');
      expect(await b.db.addNewPackageVersion('foo', '1.0', released)).toBe(true);
      expect(await b.db.addNewPackageVersion('foo', '1.0', released)).toBe(false);
      expect(await b.db.addNewPackageVersion('foo', '2.0', null, 'binary only')).toBe(true);
      const rows = await b.admin((sql) => sql`SELECT version, released, skip FROM versions ORDER BY version`);
      expect(rows.map((r) => [r.version, (r.released as Date).toISOString(), r.skip])).toEqual([
        ['1.0', '2021-03-04T05:06:07.000Z', ''],
        ['2.0', '1970-01-01T00:00:00.000Z', 'binary only'],
      ]);
      expect(await b.db.getAllPackageVersions()).toEqual(new Set([['foo', '1.0'], ['foo', '2.0']]));
    });

    test('a version of an unknown package is refused', async () => {
      await expect(b.db.addNewPackageVersion('nope', '1.0')).rejects.toThrow(/foreign key/);
    });

    test('NEWPKGNAME records spellings; GETPKGNAMES lists the others and GETPROJNAME the last seen', async () => {
      await b.db.addNewPackage('foo-bar');
      await b.db.addPackageName('foo-bar', 'foo-bar', new Date('1970-01-01T00:00:00Z'));
      await b.db.addPackageName('foo-bar', 'Foo_Bar', new Date('2020-01-01T00:00:00Z'));
      await b.db.addPackageName('foo-bar', 'foo.bar', new Date('2021-01-01T00:00:00Z'));
      expect(await b.db.getProjectDisplayName('foo-bar')).toBe('foo.bar');
      // Seeing a spelling again only moves its time.
      await b.db.addPackageName('foo-bar', 'Foo_Bar', new Date('2022-01-01T00:00:00Z'));
      expect(await b.db.getProjectDisplayName('foo-bar')).toBe('Foo_Bar');
      expect(await b.db.getPackageAliases('foo-bar')).toEqual(['Foo_Bar', 'foo.bar']);
      expect(await b.db.getProjectDisplayName('unknown')).toBeNull();
      expect(await b.db.getPackageAliases('unknown')).toEqual([]);
    });

    test('SETDESC replaces the description, cut to 200 characters as 0.18 cut summaries', async () => {
      await b.db.addNewPackage('foo');
      await b.db.setPackageDescription('foo', 'New words');
      expect(await b.db.getPackageDescription('foo')).toBe('New words');
      await b.db.setPackageDescription('foo', 'é'.repeat(250));
      expect(await b.db.getPackageDescription('foo')).toBe('é'.repeat(199) + '\u2026');
      expect(await b.db.getPackageDescription('unknown')).toBeNull();
    });

    test('SKIPPKG, SKIPVER and GETSKIP; PKGEXISTS, PKGDELETED, VEREXISTS and VERSDELETED', async () => {
      await b.db.addNewPackage('foo');
      await b.db.addNewPackageVersion('foo', '1.0');
      await b.db.addNewPackageVersion('foo', '2.0');
      expect(await b.db.getVersionSkip('foo', '1.0')).toBe('');
      await b.db.skipPackageVersion('foo', '1.0', 'deleted');
      expect(await b.db.getVersionSkip('foo', '1.0')).toBe('deleted');
      expect(await b.db.getVersionSkip('foo', '9.9')).toBeNull();
      expect(await b.db.getVersionsDeleted('foo')).toEqual(new Set(['1.0']));
      expect(await b.db.testPackage('foo')).toBe(true);
      expect(await b.db.testPackage('bar')).toBe(false);
      expect(await b.db.testPackageVersion('foo', '2.0')).toBe(true);
      expect(await b.db.testPackageVersion('foo', '3.0')).toBe(false);
      expect(await b.db.packageMarkedDeleted('foo')).toBe(false);
      await b.db.skipPackage('foo', 'deleted');
      expect(await b.db.packageMarkedDeleted('foo')).toBe(true);
      expect(await b.db.testPackage('foo')).toBe(true);
    });

    test('YANKVER and UNYANKVER show in PROJVERS and PROJFILES', async () => {
      await abis(['cp34m']);
      await b.db.addNewPackage('foo');
      await b.db.addNewPackageVersion('foo', '1.0');
      await b.db.logBuild(build('foo', '1.0', 'cp34m', [wheel('foo', '1.0')]));
      await b.db.yankVersion('foo', '1.0');
      expect((await b.db.getProjectVersions('foo'))[0]![4]).toBe(true);
      expect((await b.db.getProjectFiles('foo'))[0]![5]).toBe(true);
      await b.db.unyankVersion('foo', '1.0');
      expect((await b.db.getProjectVersions('foo'))[0]![4]).toBe(false);
      expect((await b.db.getProjectFiles('foo'))[0]![5]).toBe(false);
    });
  });

  describe('builds', () => {
    beforeEach(async () => {
      await abis(['cp34m'], ['cp35m']);
      await b.db.addNewPackage('foo');
      await b.db.addNewPackageVersion('foo', '1.0', new Date('2020-01-01T00:00:00Z'));
    });

    test('LOGBUILD of a success stores build, output, files and dependencies and returns the id (behaviour 174)', async () => {
      const file = wheel('foo', '1.0', 'cp34m', { deps: { apt: ['libc6', 'libfoo4'], '': ['/opt/lib.so'] } });
      const id = await b.db.logBuild(build('foo', '1.0', 'cp34m', [file], { slave: 7, seconds: 90.5, output: 'all good' }));
      expect(Number.isInteger(id)).toBe(true);
      const [row] = await b.admin((sql) => sql`SELECT * FROM builds WHERE build_id = ${id}`);
      expect(row).toMatchObject({ package: 'foo', version: '1.0', built_by: 7, status: true, abi_tag: 'cp34m' });
      expect(Math.abs((row!.built_at as Date).getTime() - Date.now())).toBeLessThan(60_000);
      const [out] = await b.admin((sql) => sql`SELECT output FROM output WHERE build_id = ${id}`);
      expect(out!.output).toBe('all good');
      const [f] = await b.admin((sql) => sql`SELECT * FROM files WHERE build_id = ${id}`);
      expect(f).toMatchObject({
        filename: file[0],
        filesize: 1000,
        filehash: file[2],
        package_tag: 'foo',
        package_version_tag: '1.0',
        py_version_tag: 'cp34',
        abi_tag: 'cp34m',
        platform_tag: 'linux_armv7l',
      });
      const deps = await b.admin((sql) => sql`SELECT tool, dependency FROM dependencies WHERE filename = ${file[0]} ORDER BY tool, dependency`);
      expect(deps.map((d) => [d.tool, d.dependency])).toEqual([['', '/opt/lib.so'], ['apt', 'libc6'], ['apt', 'libfoo4']]);
      const [{ duration }] = (await b.admin((sql) => sql`SELECT EXTRACT(EPOCH FROM duration)::float8 AS duration FROM builds WHERE build_id = ${id}`)) as unknown as [{ duration: number }];
      expect(duration).toBe(90.5);
    });

    test('issue 11: LOGBUILD of wheels of 2 GiB and more keeps their sizes (files.filesize is BIGINT)', async () => {
      const sizes = [2 ** 31 - 1, 2 ** 31, 5 * 2 ** 30, 2 ** 53 - 1];
      const files = sizes.map((size, i) => wheel('foo', '1.0', 'cp34m', { size, platform: `linux_armv${i + 6}l` }));
      await b.db.logBuild(build('foo', '1.0', 'cp34m', files));
      const read = (await b.db.getProjectFiles('foo')).map((f) => f[3]).sort((x, y) => x - y);
      expect(read).toEqual(sizes);
    });

    test('LOGBUILD of a failure stores build and output only (behaviour 174)', async () => {
      const id = await b.db.logBuild(build('foo', '1.0', 'cp34m', [], { output: 'it broke' }));
      const [row] = await b.admin((sql) => sql`SELECT status FROM builds WHERE build_id = ${id}`);
      expect(row!.status).toBe(false);
      expect(await count('output')).toBe(1);
      expect(await count('files')).toBe(0);
    });

    test('LOGBUILD of a success without files is refused (0.18 let it through: its guard never fired)', async () => {
      await expect(b.db.logBuild(build('foo', '1.0', 'cp34m', [], { status: true }))).rejects.toThrow(
        'Successful build must include at least one file',
      );
      expect(await count('builds')).toBe(0);
    });

    test('LOGBUILD of an existing filename moves the file and its dependencies to the new build (behaviour 175)', async () => {
      const first = await b.db.logBuild(build('foo', '1.0', 'cp34m', [wheel('foo', '1.0', 'cp34m', { deps: { apt: ['libold'] } })]));
      const again = wheel('foo', '1.0', 'cp34m', { size: 2000, deps: { apt: ['libnew'] } });
      const second = await b.db.logBuild(build('foo', '1.0', 'cp34m', [again], { slave: 2 }));
      expect(second).not.toBe(first);
      const files = await b.admin((sql) => sql`SELECT build_id, filesize FROM files`);
      expect(files.map((f) => [f.build_id, f.filesize])).toEqual([[second, 2000]]);
      const deps = await b.admin((sql) => sql`SELECT dependency FROM dependencies`);
      expect(deps.map((d) => d.dependency)).toEqual(['libnew']);
      expect(await count('builds')).toBe(2);
    });

    test('build output has control characters replaced as 0.18 did', async () => {
      const id = await b.db.logBuild(build('foo', '1.0', 'cp34m', [], { output: 'a\x00b\x1bc\td\ne\rf\x7fg' }));
      const [out] = await b.admin((sql) => sql`SELECT output FROM output WHERE build_id = ${id}`);
      expect(out!.output).toBe('a\ufffdb\ufffdc\td\ne\rf\ufffdg');
    });

    test('DELBUILD removes builds, output, files and dependencies but keeps the version (behaviour 176)', async () => {
      await b.db.logBuild(build('foo', '1.0', 'cp34m', [wheel('foo', '1.0', 'cp34m', { deps: { apt: ['libc6'] } })]));
      await b.db.logBuild(build('foo', '1.0', 'cp35m', []));
      await b.db.deleteBuild('foo', '1.0');
      for (const table of ['builds', 'output', 'files', 'dependencies']) expect(await count(table)).toBe(0);
      expect(await b.db.testPackageVersion('foo', '1.0')).toBe(true);
    });

    test('DELVER and DELPKG cascade to everything below them', async () => {
      await b.db.addNewPackageVersion('foo', '2.0');
      await b.db.addPackageName('foo', 'Foo', new Date());
      await b.db.logBuild(build('foo', '1.0', 'cp34m', [wheel('foo', '1.0', 'cp34m', { deps: { apt: ['libc6'] } })]));
      await b.db.logBuild(build('foo', '2.0', 'cp34m', [wheel('foo', '2.0', 'cp34m', { deps: { apt: ['libc6'] } })]));
      await b.db.deleteVersion('foo', '1.0');
      expect(await b.db.testPackageVersion('foo', '1.0')).toBe(false);
      for (const table of ['builds', 'output', 'files', 'dependencies']) expect(await count(table)).toBe(1);
      await b.db.deletePackage('foo');
      for (const table of ['packages', 'package_names', 'versions', 'builds', 'output', 'files', 'dependencies']) {
        expect(await count(table)).toBe(0);
      }
    });

    test('PKGFILES, VERFILES, PROJVERS and PROJFILES describe successful builds only', async () => {
      await b.db.addNewPackageVersion('foo', '2.0');
      await b.db.skipPackageVersion('foo', '2.0', 'binary only');
      const pure = wheel('foo', '1.0');
      const arm7 = wheel('foo', '1.0', 'cp35m', { size: 5000 });
      await b.db.logBuild(build('foo', '1.0', 'cp34m', [pure]));
      await b.db.logBuild(build('foo', '1.0', 'cp35m', [arm7]));
      await b.db.logBuild(build('foo', '1.0', 'cp35m', [], { slave: 3 }));
      await b.db.logBuild(build('foo', '1.0', 'cp34m', [], { slave: 4 }));
      expect(await b.db.getPackageFiles('foo')).toEqual({ [pure[0]]: pure[2], [arm7[0]]: arm7[2] });
      expect(await b.db.getVersionFiles('foo', '1.0')).toEqual(new Set([pure[0], arm7[0]]));
      expect(await b.db.getVersionFiles('foo', '2.0')).toEqual(new Set());
      const versions = (await b.db.getProjectVersions('foo')).sort((x, y) => x[0].localeCompare(y[0]));
      expect(versions).toEqual([
        ['1.0', '', 'cp34m, cp35m', 'cp34m, cp35m', false],
        ['2.0', 'binary only', '', '', false],
      ]);
      await b.db.skipPackage('foo', 'too big');
      expect((await b.db.getProjectVersions('foo')).map((v) => v[1]).sort()).toEqual(['binary only', 'too big']);
      const files = (await b.db.getProjectFiles('foo')).sort((x, y) => x[2].localeCompare(y[2]));
      expect(files).toEqual(
        [
          ['1.0', 'cp35m', arm7[0], 5000, arm7[2], false],
          ['1.0', 'none', pure[0], 1000, pure[2], false],
        ].sort((x, y) => String(x[2]).localeCompare(String(y[2]))),
      );
    });

    test('FILEDEPS leaves out apt packages preinstalled for the file ABI (behaviour 179)', async () => {
      const file = wheel('foo', '1.0', 'cp34m', { deps: { apt: ['libc', 'libfoo4'], pip: ['bar'] } });
      await b.db.logBuild(build('foo', '1.0', 'cp34m', [file]));
      expect(await b.db.getFileAptDependencies(file[0])).toEqual(new Set(['libc', 'libfoo4']));
      await b.admin((sql) => sql`INSERT INTO preinstalled_apt_packages VALUES ('cp34m', 'libc'), ('cp35m', 'libfoo4')`);
      expect(await b.db.getFileAptDependencies(file[0])).toEqual(new Set(['libfoo4']));
    });
  });

  describe('serials, statistics and search index', () => {
    test('SETPYPI stores the serial and refuses to go backwards (behaviour 177)', async () => {
      expect(await b.db.getPypiSerial()).toBe(0);
      await b.db.setPypiSerial(1000);
      await b.db.setPypiSerial(1000);
      expect(await b.db.getPypiSerial()).toBe(1000);
      await expect(b.db.setPypiSerial(999)).rejects.toThrow('pypi_serial number cannot go backwards');
      expect(await b.db.getPypiSerial()).toBe(1000);
    });

    test('GETABIS lists every build ABI, skipped ones included', async () => {
      await abis(['cp34m'], ['cp35m', 'retired']);
      expect(await b.db.getBuildAbis()).toEqual(new Set(['cp34m', 'cp35m']));
    });

    test('GETSTATS returns the eight statistics and builds in the last hour per unskipped ABI (behaviour 178)', async () => {
      await abis(['cp34m'], ['cp35m'], ['cp37m'], ['cp27mu', 'retired']);
      await b.db.addNewPackage('foo');
      await b.db.addNewPackage('bar');
      await b.db.addNewPackageVersion('foo', '1.0', daysAgo(3));
      await b.db.addNewPackageVersion('foo', '2.0', minutesAgo(10));
      await b.db.addNewPackageVersion('bar', '1.0', minutesAgo(30));
      await b.db.logBuild(build('foo', '1.0', 'cp34m', [wheel('foo', '1.0', 'cp34m', { size: 100 }), wheel('foo', '1.0', 'cp34m', { size: 100, platform: 'linux_armv6l' })], { seconds: 120 }));
      await b.db.logBuild(build('foo', '2.0', 'cp34m', [wheel('foo', '2.0', 'none', { size: 50 })], { seconds: 30 }));
      await b.db.logBuild(build('bar', '1.0', 'cp35m', [], { seconds: 8 * 86_400 }));
      // Downloads: two in the last hour, one last week, one two months ago.
      const dl = (filename: string, at: Date) => b.db.logDownload([filename, '10.0.0.1', at, null, null, null, null, null, null, null, null, null, null]);
      await dl('a.whl', minutesAgo(5));
      await dl('a.whl', minutesAgo(50));
      await dl('a.whl', daysAgo(7));
      await dl('a.whl', daysAgo(60));
      const stats = await b.db.getStatistics();
      expect(stats.builds_time).toBeInstanceOf(TimeDelta);
      expect(stats.builds_time.totalSeconds).toBe(150);
      expect(stats).toMatchObject({
        builds_size: 150,
        packages_built: 1,
        files_count: 3,
        new_last_hour: 2,
        downloads_all: 4,
        downloads_last_month: 3,
        downloads_last_hour: 2,
        builds_last_hour: { cp34m: 2, cp35m: 1, cp37m: 0 },
      });
      // Counts follow deletions as well as insertions.
      await b.db.deleteBuild('foo', '1.0');
      const after = await b.db.getStatistics();
      expect(after).toMatchObject({ builds_size: 50, packages_built: 1, files_count: 1 });
      expect(after.builds_time.totalSeconds).toBe(30);
    });

    test('GETSEARCH counts recent and all downloads of every package, built or not', async () => {
      await abis(['cp34m']);
      await b.db.addNewPackage('foo');
      await b.db.addNewPackage('bar');
      await b.db.addNewPackageVersion('foo', '1.0');
      const file = wheel('foo', '1.0');
      await b.db.logBuild(build('foo', '1.0', 'cp34m', [file]));
      for (const at of [minutesAgo(1), daysAgo(2), daysAgo(45)]) {
        await b.db.logDownload([file[0], '::1', at, 'armv7l', null, null, null, null, null, null, null, null, null]);
      }
      await b.db.logDownload(['other.whl', '::1', minutesAgo(1), null, null, null, null, null, null, null, null, null, null]);
      expect(await b.db.getSearchIndex()).toEqual({ foo: [2, 3], bar: [0, 0] });
    });
  });

  describe('access logs', () => {
    test('LOGDOWNLOAD and LOGSEARCH store every field', async () => {
      const at = new Date('2021-06-01T12:34:56Z');
      await b.db.logDownload(['foo-1.0-py3-none-any.whl', '192.168.0.1', at, 'armv7l', 'Raspbian GNU/Linux', '10', 'Linux', '5.4', 'CPython', '3.7.3', 'pip', '20.0', '45.0']);
      await b.db.logSearch(['foo', '2001:db8::1', at, null, null, null, null, null, null, null, null, null, null]);
      const [d] = await b.admin((sql) => sql`SELECT host(accessed_by) AS host, * FROM downloads`);
      expect(d).toMatchObject({
        filename: 'foo-1.0-py3-none-any.whl',
        host: '192.168.0.1',
        accessed_at: at,
        arch: 'armv7l',
        distro_name: 'Raspbian GNU/Linux',
        distro_version: '10',
        os_name: 'Linux',
        os_version: '5.4',
        py_name: 'CPython',
        py_version: '3.7.3',
        installer_name: 'pip',
        installer_version: '20.0',
        setuptools_version: '45.0',
      });
      const [s] = await b.admin((sql) => sql`SELECT host(accessed_by) AS host, package, arch FROM searches`);
      expect(s).toEqual({ host: '2001:db8::1', package: 'foo', arch: null });
    });

    test('LOGPROJECT, LOGJSON and LOGPAGE store their hits; hostile fields are cleaned and cut to size', async () => {
      const at = new Date('2021-06-01T00:00:00Z');
      await b.db.logProject(['foo', '10.0.0.1', at, 'Mozilla/5.0']);
      await b.db.logJson(['foo', '10.0.0.2', at, 'curl\x00/7']);
      await b.db.logPage(['packages.html', '10.0.0.3', at, 'x'.repeat(5000)]);
      const [p] = await b.admin((sql) => sql`SELECT package, user_agent, bot FROM project_page_hits`);
      expect(p).toEqual({ package: 'foo', user_agent: 'Mozilla/5.0', bot: false });
      const [j] = await b.admin((sql) => sql`SELECT user_agent FROM project_json_downloads`);
      expect(j!.user_agent).toBe('curl\ufffd/7');
      const [w] = await b.admin((sql) => sql`SELECT page, length(user_agent) AS n FROM web_page_hits`);
      expect(w).toEqual({ page: 'packages.html', n: 2000 });
    });

    test('a host that is not an IP address is refused, as in 0.18', async () => {
      await expect(b.db.logProject(['foo', 'not-an-ip', new Date(), 'ua'])).rejects.toThrow(/inet/);
    });

    test('a page name longer than its column is cut, not refused (0.18 failed on these)', async () => {
      await b.db.logPage(['x'.repeat(31), '10.0.0.3', new Date(), 'ua']);
      const [w] = await b.admin((sql) => sql`SELECT page FROM web_page_hits`);
      expect(w!.page).toBe('x'.repeat(30));
    });

    test('logAccessBatch writes every kind of a batch in one statement; a value its column cannot take refuses all of it', async () => {
      const at = new Date('2021-06-01T00:00:00Z');
      const agent = [null, null, null, null, null, null, null, null, null, null] as const;
      await b.db.logAccessBatch({
        LOGDOWNLOAD: [['a.whl', '10.0.0.1', at, ...agent], ['b.whl', '10.0.0.2', at, ...agent]],
        LOGSEARCH: [['foo', '10.0.0.3', at, ...agent]],
        LOGPROJECT: [['foo', '10.0.0.4', at, 'Mozilla/5.0']],
        LOGJSON: [['foo', '10.0.0.5', at, 'pip/23']],
        LOGPAGE: [['faq', '::1', at, '']],
      });
      await b.db.logAccessBatch({});
      const counts = await b.admin(
        (sql) => sql`SELECT (SELECT COUNT(*) FROM downloads)::int AS d, (SELECT COUNT(*) FROM searches)::int AS s,
          (SELECT COUNT(*) FROM project_page_hits)::int AS p, (SELECT COUNT(*) FROM project_json_downloads)::int AS j,
          (SELECT COUNT(*) FROM web_page_hits)::int AS w`,
      );
      expect(counts[0]).toEqual({ d: 2, s: 1, p: 1, j: 1, w: 1 });
      const refused = b.db.logAccessBatch({ LOGJSON: [['bar', '10.0.0.6', at, 'ua']], LOGPAGE: [['x'.repeat(31), '::1', at, '']] });
      expect(isDataRejection(await refused.catch((err: unknown) => err))).toBe(true);
      expect((await b.admin((sql) => sql`SELECT COUNT(*)::int AS n FROM project_json_downloads`))[0]).toEqual({ n: 1 });
    });
  });

  test('SAVERWP then LOADRWP round-trips package, UTC time and command, oldest first (behaviour 180)', async () => {
    const t1 = new Date('2021-01-01T10:00:00.123Z');
    const t2 = new Date('2021-01-01T09:00:00Z');
    await b.db.saveRewritesPending([['old', new Date('2000-01-01T00:00:00Z'), 'BOTH']]);
    await b.db.saveRewritesPending([
      ['foo', t1, 'PROJECT'],
      ['bar', t2, 'BOTH'],
    ]);
    expect(await b.db.loadRewritesPending()).toEqual([
      ['bar', t2, 'BOTH'],
      ['foo', t1, 'PROJECT'],
    ]);
    await b.db.saveRewritesPending([]);
    expect(await b.db.loadRewritesPending()).toEqual([]);
  });

  describe('the build queue (spec/behaviours.md A.1, A.2; behaviour 129)', () => {
    const queue = () => b.db.getBuildQueue(100_000);
    beforeEach(async () => {
      await abis(['cp34m'], ['cp35m'], ['cp37m']);
      await b.db.addNewPackage('old');
      await b.db.addNewPackage('new');
      await b.db.addNewPackageVersion('new', '1.0', new Date('2021-01-01T00:00:00Z'));
      await b.db.addNewPackageVersion('old', '1.0', new Date('2019-01-01T00:00:00Z'));
      await b.db.addNewPackageVersion('old', '2.0', new Date('2020-01-01T00:00:00Z'));
    });

    test('versions are queued oldest release first, each for its lowest outstanding ABI only', async () => {
      expect(await queue()).toEqual({
        cp34m: [
          ['old', '1.0'],
          ['old', '2.0'],
          ['new', '1.0'],
        ],
      });
    });

    test('a failure or an ABI-specific wheel covers only the builder ABI; the next ABI is queued (behaviour 129)', async () => {
      await b.db.logBuild(build('old', '1.0', 'cp34m', []));
      await b.db.logBuild(build('old', '2.0', 'cp34m', [wheel('old', '2.0', 'cp34m')]));
      expect(await queue()).toEqual({
        cp34m: [['new', '1.0']],
        cp35m: [
          ['old', '1.0'],
          ['old', '2.0'],
        ],
      });
      await b.db.logBuild(build('old', '1.0', 'cp35m', []));
      await b.db.logBuild(build('old', '1.0', 'cp37m', [wheel('old', '1.0', 'cp37m')]));
      expect((await queue()).cp37m).toBeUndefined();
      expect(await queue()).toEqual({ cp34m: [['new', '1.0']], cp35m: [['old', '2.0']] });
    });

    test('a none wheel covers every ABI', async () => {
      await b.db.logBuild(build('old', '1.0', 'cp35m', [wheel('old', '1.0', 'none')]));
      expect(await queue()).toEqual({ cp34m: [['old', '2.0'], ['new', '1.0']] });
    });

    test('a wheel of another ABI covers that ABI and not the builder one (schema/README.md §3 QUIRK)', async () => {
      await b.db.logBuild(build('old', '1.0', 'cp34m', [wheel('old', '1.0', 'abi3')]));
      expect((await queue()).cp34m![0]).toEqual(['old', '1.0']);
      await b.db.logBuild(build('old', '1.0', 'cp34m', [wheel('old', '1.0', 'cp35m')], { slave: 2 }));
      expect((await queue()).cp34m![0]).toEqual(['old', '1.0']);
    });

    test('skipped and deleted packages and versions, and skipped ABIs, are never queued', async () => {
      await b.db.skipPackageVersion('old', '1.0', 'deleted');
      await b.db.skipPackage('new', 'too big');
      expect(await queue()).toEqual({ cp34m: [['old', '2.0']] });
      await b.db.deleteVersion('old', '2.0');
      expect(await queue()).toEqual({});
      await b.db.skipPackageVersion('old', '1.0', '');
      await b.db.skipPackage('new', '');
      expect(await queue()).toEqual({ cp34m: [['old', '1.0'], ['new', '1.0']] });
      await b.admin((sql) => sql`UPDATE build_abis SET skip = 'retired' WHERE abi_tag = 'cp34m'`);
      expect(await queue()).toEqual({ cp35m: [['old', '1.0'], ['new', '1.0']] });
      await b.db.deletePackage('old');
      expect(await queue()).toEqual({ cp35m: [['new', '1.0']] });
    });

    test('deleting the builds of a version queues it again', async () => {
      await b.db.logBuild(build('old', '1.0', 'cp34m', [wheel('old', '1.0')]));
      expect((await queue()).cp34m).toHaveLength(2);
      await b.db.deleteBuild('old', '1.0');
      expect((await queue()).cp34m).toHaveLength(3);
    });

    test('the limit applies per ABI', async () => {
      await b.db.logBuild(build('new', '1.0', 'cp34m', []));
      expect(await b.db.getBuildQueue(1)).toEqual({ cp34m: [['old', '1.0']], cp35m: [['new', '1.0']] });
    });

    test('a cancelled query rejects (behaviour 130)', async () => {
      const abort = new AbortController();
      abort.abort();
      await expect(b.db.getBuildQueue(10, { signal: abort.signal })).rejects.toThrow();
    });
  });

  describe('the grants model', () => {
    test('the master role may read every table but not write one directly', async () => {
      await b.db.addNewPackage('foo');
      expect((await b.db.sql`SELECT package FROM packages`).map((r) => r.package)).toEqual(['foo']);
      await expect(b.db.sql`INSERT INTO packages (package) VALUES ('bar')`).rejects.toThrow(/permission denied/);
      await expect(b.db.sql`UPDATE packages SET skip = 'x'`).rejects.toThrow(/permission denied/);
      await expect(b.db.sql`DELETE FROM packages`).rejects.toThrow(/permission denied/);
      await expect(b.db.sql`INSERT INTO build_queue VALUES ('foo', '1', now(), 'cp34m')`).rejects.toThrow(/permission denied/);
      await expect(b.db.sql`SELECT build_queue_rebuild()`).rejects.toThrow(/permission denied/);
    });

    test('every function is SECURITY DEFINER with a pinned search_path and not callable by PUBLIC; the 38 of 0.18 are the master role\'s', async () => {
      const rows = await b.admin(
        (sql) => sql`
          SELECT p.proname, p.prosecdef, 'search_path=public, pg_temp' = ANY (p.proconfig) AS pinned,
                 has_function_privilege('piwheels', p.oid, 'EXECUTE') AS master,
                 has_function_privilege('public', p.oid, 'EXECUTE') AS everyone
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = 'public'`,
      );
      for (const r of rows) {
        expect([r.proname, r.prosecdef, r.pinned, r.everyone]).toEqual([r.proname, true, true, false]);
      }
      const callable = rows.filter((r) => r.master).map((r) => r.proname as string);
      expect(callable).toEqual(expect.arrayContaining(FUNCTIONS_018));
      // The machinery that maintains the queue and statistics is not for the master role to call.
      expect(callable).not.toContain('build_queue_rebuild');
      expect(callable).not.toContain('statistics_rebuild');
      expect(callable).not.toContain('build_queue_refresh');
    });
  });
});
