/**
 * The index with real pips (Debian's 23.0 and the newest on this machine), in a virtual environment as
 * the install advice says, against the Scribe's site served by the bundled server. What pip fetched is
 * read from the server's access log: it resolves from metadata files (PEP 658) and never downloads a wheel
 * it will not install.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareVersions } from '../../protocols/packaging/pep440.js';
import { makeSite, pips, runPip, scratch, YANK_REASON, type Site } from './support.js';

let site: Site;
beforeAll(async () => {
  site = await makeSite();
});
afterAll(() => site.close());

const paths = () => site.log.map((e) => e.url);
/** The wheels fetched, each once (pip 23.0 fetches a wheel twice after using its metadata: pip#11847). */
const wheelsFetched = () => [...new Set(paths().filter((p) => p.endsWith('.whl')))].sort();

describe.each(pips())('$name', (pip) => {
  // pips before 23.2 know PEP 658 metadata in HTML only (PEP 714), and their --dry-run still downloads
  // the wheels it resolved to (pip#11847); from 23.2 on JSON is used and nothing but metadata is fetched
  const current = compareVersions(pip.version, '23.2') >= 0;
  let tmp: Awaited<ReturnType<typeof scratch>>;
  beforeEach(async () => {
    tmp = await scratch();
    site.log.length = 0;
  });
  afterEach(() => tmp.done());

  const index = () => ['--index-url', `${site.url}/simple/`];
  const venv = () => join(tmp.dir, 'venv');

  test('install --dry-run --report resolves a dependency tree from .metadata files, asking for the JSON index', async () => {
    const report = join(tmp.dir, 'report.json');
    const r = await runPip(pip, venv(), ['install', '--dry-run', '--report', report, ...index(), 'app']);
    expect(r.stderr).not.toMatch(/ERROR|WARNING/);
    expect(r.code).toBe(0);
    const { install } = JSON.parse(await readFile(report, 'utf8')) as {
      install: { metadata: { name: string; version: string }; download_info: { url: string } }[];
    };
    expect(install.map((i) => `${i.metadata.name} ${i.metadata.version}`).sort()).toEqual(['app 1.0', 'lib 1.0']);
    const metadata = ['/simple/app/app-1.0-py3-none-any.whl.metadata', '/simple/lib/lib-1.0-py3-none-any.whl.metadata'];
    expect(paths().slice(0, 4)).toEqual(['/simple/app/', metadata[0], '/simple/lib/', metadata[1]]); // metadata before any wheel
    expect(wheelsFetched()).toEqual(current ? [] : expect.arrayContaining(['/simple/app/app-1.0-py3-none-any.whl', '/simple/lib/lib-1.0-py3-none-any.whl']));
    // pip asked for PEP 691 JSON first and got it; an older pip the HTML it can use the metadata from
    const pages = site.log.filter((e) => e.url === '/simple/app/');
    expect(pages[0]!.accept).toMatch(/^application\/vnd\.pypi\.simple\.v1\+json/);
    expect(pages.map((e) => e.type)).toEqual([current ? 'application/vnd.pypi.simple.v1+json' : 'application/vnd.pypi.simple.v1+html']);
    expect(site.log.every((e) => e.status === 200)).toBe(true);
  });

  test('backtracking reads the rejected candidate\'s .metadata and never downloads its wheel', async () => {
    const report = join(tmp.dir, 'report.json');
    const r = await runPip(pip, venv(), ['install', '--dry-run', '--report', report, ...index(), 'top']);
    expect(r.code).toBe(0);
    const { install } = JSON.parse(await readFile(report, 'utf8')) as { install: { metadata: { name: string; version: string } }[] };
    expect(install.map((i) => `${i.metadata.name} ${i.metadata.version}`).sort()).toEqual(['base 1.0', 'dep 1.0', 'top 1.0']);
    expect(paths()).toContain('/simple/dep/dep-2.0-py3-none-any.whl.metadata');
    expect(paths().filter((p) => p.startsWith('/simple/dep/dep-2.0') && !p.endsWith('.metadata'))).toEqual([]);
    if (current) expect(wheelsFetched()).toEqual([]);
  });

  test('--python-version 3.6 skips a file that requires >=3.7 without fetching it or its metadata', async () => {
    const r = await runPip(pip, venv(), ['download', '--no-deps', '--only-binary=:all:', '--python-version', '3.6', '-d', join(tmp.dir, 'dl'), ...index(), 'modern']);
    expect(r.code).toBe(0);
    expect(await readdir(join(tmp.dir, 'dl'))).toEqual(['modern-1.0-py3-none-any.whl']);
    expect(paths().filter((p) => p.includes('modern-2.0'))).toEqual([]);
    expect(wheelsFetched()).toEqual(['/simple/modern/modern-1.0-py3-none-any.whl']);
  });

  test('a yanked version is skipped unless pinned; pinned, pip installs it and prints the reason', async () => {
    const report = join(tmp.dir, 'report.json');
    const free = await runPip(pip, venv(), ['install', '--dry-run', '--report', report, ...index(), 'yk']);
    expect(free.code).toBe(0);
    expect(JSON.parse(await readFile(report, 'utf8')).install[0].metadata.version).toBe('1.0');
    const pinned = await runPip(pip, venv(), ['install', '--dry-run', '--report', report, ...index(), 'yk==2.0']);
    expect(pinned.code).toBe(0);
    expect(JSON.parse(await readFile(report, 'utf8')).install[0].metadata.version).toBe('2.0');
    expect(pinned.stderr).toContain('yanked version');
    expect(pinned.stderr).toContain(`Reason for being yanked: ${YANK_REASON}`);
    // only the wheels each run would install, and with a current pip none at all
    expect(wheelsFetched()).toEqual(current ? [] : ['/simple/yk/yk-1.0-py3-none-any.whl', '/simple/yk/yk-2.0-py3-none-any.whl']);
  });

  test('--extra-index-url: found on this index next to another that lacks it', async () => {
    // the first index answers 404 for every project, as an index without the package does
    const r = await runPip(pip, venv(), ['download', '--no-deps', '-d', join(tmp.dir, 'dl'), '--index-url', `${site.url}/nowhere/`, '--extra-index-url', `${site.url}/simple/`, 'lib']);
    expect(r.code).toBe(0);
    expect(await readdir(join(tmp.dir, 'dl'))).toEqual(['lib-1.0-py3-none-any.whl']);
    expect(paths()).toEqual(expect.arrayContaining(['/nowhere/lib/', '/simple/lib/']));
  });

  test('download --require-hashes checks the wheel against the hash the requirements give', async () => {
    const good = join(tmp.dir, 'good.txt');
    await writeFile(good, `app==1.0 --hash=sha256:${site.hashes.get('app-1.0-py3-none-any.whl')}\n`);
    const ok = await runPip(pip, venv(), ['download', '--no-deps', '--require-hashes', '-r', good, '-d', join(tmp.dir, 'dl'), ...index()]);
    expect(ok.code).toBe(0);
    expect(await readdir(join(tmp.dir, 'dl'))).toEqual(['app-1.0-py3-none-any.whl']);
    const bad = join(tmp.dir, 'bad.txt');
    await writeFile(bad, `lib==1.0 --hash=sha256:${'0'.repeat(64)}\n`);
    const refused = await runPip(pip, venv(), ['download', '--no-deps', '--require-hashes', '-r', bad, '-d', join(tmp.dir, 'dl2'), ...index()]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/HASHES|hash/);
  });
});
