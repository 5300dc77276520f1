import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Scribe, SITEMAP_SIZE } from '../../../actors/scribe/scribe.js';
import { templatesDir } from '../../../actors/scribe/templates.js';
import type { MemoryPackage } from '../../../actors/scribe/memory-data.js';
import { RecordingData, hash, startScribe, stats, wheel } from './helpers.js';

type Site = Awaited<ReturnType<typeof startScribe>>;
let site: Site | null = null;
afterEach(async () => {
  await site?.done();
  site = null;
});
/** Entries strictly below `dir` (e.g. `simple/`) of a listTree() result. */
const below = (tree: string[], ...dirs: string[]) => tree.filter((p) => dirs.some((d) => p.startsWith(d) && p !== d));
async function open(packages: MemoryPackage[] = []) {
  site = await startScribe(packages);
  return site;
}

const foo: MemoryPackage = {
  name: 'foo',
  description: 'The foo package',
  spellings: [{ name: 'Foo', seen: new Date(2023, 0, 1) }, { name: 'FOO', seen: new Date(2022, 0, 1) }],
  versions: [
    { version: '0.9', builds: [{ abi: 'cp39', ok: true, files: [wheel('foo', '0.9', 'cp39-cp39-linux_armv7l', 5000, ['libold'])] }] },
    {
      version: '1.0',
      builds: [
        { abi: 'cp311', ok: true, files: [wheel('foo', '1.0', 'cp311-cp311-linux_armv7l', 123_904, ['libxml2', 'libc6']), wheel('foo', '1.0', 'cp311-cp311-linux_armv6l', 123_904, ['libxml2', 'libc6'])] },
        { abi: 'cp39', ok: false },
      ],
    },
    { version: '1.1rc1', yanked: true, builds: [{ abi: 'cp311', ok: true, files: [wheel('foo', '1.1rc1')] }] },
  ],
};

describe('start-up', () => {
  test('behaviour 138: writes simple/index.html when missing, linking every package of ALLPKGS (sorted)', async () => {
    const s = await open([{ name: 'zeta' }, foo, { name: 'alpha', skip: 'broken' }]);
    const html = await s.read('simple', 'index.html');
    expect(html).toContain('<meta name="api-version" value="2" />');
    expect(html).toContain('<title>piwheels - Simple index</title>');
    expect(html).toContain('<a href="alpha/">alpha</a><a href="foo/">foo</a><a href="zeta/">zeta</a>');
    expect(JSON.parse(await s.read('simple', 'index.json'))).toEqual({
      meta: { 'api-version': '1.1' },
      projects: [{ name: 'alpha' }, { name: 'foo' }, { name: 'zeta' }],
    });
  });

  test('behaviour 138: an existing simple/index.html is left as it is when its JSON twin is there too', async () => {
    const output = await mkdtemp(join(tmpdir(), 'piw-scribe-'));
    try {
      await mkdir(join(output, 'simple'));
      await writeFile(join(output, 'simple', 'index.html'), 'kept');
      await writeFile(join(output, 'simple', 'index.json'), 'kept');
      await new Scribe({ data: new RecordingData([foo]), output }).start();
      expect(await readFile(join(output, 'simple', 'index.html'), 'utf8')).toBe('kept');
      // a site of an earlier version has no index.json: both are written
      await unlink(join(output, 'simple', 'index.json'));
      await new Scribe({ data: new RecordingData([foo]), output }).start();
      expect(await readFile(join(output, 'simple', 'index.html'), 'utf8')).toContain('<a href="foo/">foo</a>');
      expect(JSON.parse(await readFile(join(output, 'simple', 'index.json'), 'utf8')).projects).toEqual([{ name: 'foo' }]);
    } finally {
      await rm(output, { recursive: true, force: true });
    }
  });

  test('search works from the start: packages.json lists every known package, keeping the counts written before', async () => {
    const s = await open([foo, { name: 'bar' }]);
    expect(JSON.parse(await s.read('packages.json'))).toEqual([['bar', 0, 0], ['foo', 0, 0]]);
    await s.scribe.search({ foo: [5, 50] });
    expect(JSON.parse(await s.read('packages.json'))).toEqual([['foo', 5, 50], ['bar', 0, 0]]);
    s.data.put({ name: 'new' });
    await s.scribe.both('new'); // a new package is searchable at once
    expect(JSON.parse(await s.read('packages.json'))).toEqual([['foo', 5, 50], ['bar', 0, 0], ['new', 0, 0]]);
    await new Scribe({ data: new RecordingData([foo, { name: 'bar' }, { name: 'new' }, { name: 'later' }]), output: s.output }).start();
    expect(JSON.parse(await s.read('packages.json'))).toEqual([['bar', 0, 0], ['foo', 5, 50], ['later', 0, 0], ['new', 0, 0]]);
    await s.scribe.delpkg('new');
    expect(JSON.parse(await s.read('packages.json'))).toEqual([['foo', 5, 50], ['bar', 0, 0]]);
  });

  test('behaviour 139: copies every static asset and renders faq/packages/stats/404, also over an existing tree', async () => {
    const s = await open([foo]);
    const assets = (await readdir(join(templatesDir(), 'static'))).sort();
    expect(assets).toEqual(expect.arrayContaining(['styles.css', 'packages.js', 'project.js', 'favicon.ico']));
    const top = await readdir(s.output);
    expect(top).toEqual(expect.arrayContaining([...assets, 'faq.html', 'packages.html', 'stats.html', 'json.html', '404.html', 'simple', 'project']));
    expect(await s.read('json.html')).toContain('/project/&lt;package&gt;/json/');
    for (const page of ['faq.html', 'packages.html', 'stats.html', 'json.html', '404.html']) {
      expect(await s.read(page)).toMatch(/<meta name="description" content="[^"]+">/);
      expect(await s.read(page)).toMatch(/<h1>/);
    }
    const packages = await s.read('packages.html');
    expect(packages).toContain('<a href="/packages.html" aria-current="page">Packages</a>');
    expect(packages).toContain('<script src="/packages.js" defer></script>');
    expect(await s.read('faq.html')).toContain('<a href="/faq.html" aria-current="page">FAQ</a>');
    // a second start over the same output works and leaves no temp files
    await new Scribe({ data: s.data, output: s.output }).start();
    expect((await s.tree()).filter((p) => p.endsWith('.tmp'))).toEqual([]);
  });
});

describe('BOTH, PROJECT', () => {
  test('behaviour 142, as piwheels 0.20: BOTH reads PROJDATA (everything about the package at once), GETDESC, GETPROJNAME, GETPKGNAMES', async () => {
    const s = await open([foo]);
    await s.scribe.both('foo');
    // and BUILDLOG for each build whose log the site lacks (these builds have none to give)
    expect(s.data.calls.sort()).toEqual(['BUILDLOG 1', 'BUILDLOG 2', 'BUILDLOG 3', 'BUILDLOG 4', 'GETDESC foo', 'GETPKGNAMES foo', 'GETPROJNAME foo', 'PROJDATA foo']);
  });

  test('behaviour 143: package index links are <filename>#sha256=<hash>, newest first; yanked ones carry data-yanked', async () => {
    const s = await open([foo]);
    await s.scribe.both('foo');
    const html = await s.read('simple', 'foo', 'index.html');
    expect(html).toContain('<title>piwheels - Links for foo</title>');
    expect(html).toContain('<h1>Links for foo</h1>');
    const links = [...html.matchAll(/<a [^>]*>[^<]*<\/a>/g)].map((m) => m[0]);
    expect(links).toEqual([
      `<a href="foo-1.1rc1-py3-none-any.whl#sha256=${hash('1')}" data-yanked="">foo-1.1rc1-py3-none-any.whl</a>`, // no reason given
      `<a href="foo-1.0-cp311-cp311-linux_armv7l.whl#sha256=${hash('0')}">foo-1.0-cp311-cp311-linux_armv7l.whl</a>`,
      `<a href="foo-1.0-cp311-cp311-linux_armv6l.whl#sha256=${hash('0')}">foo-1.0-cp311-cp311-linux_armv6l.whl</a>`,
      `<a href="foo-0.9-cp39-cp39-linux_armv7l.whl#sha256=${hash('9')}">foo-0.9-cp39-cp39-linux_armv7l.whl</a>`,
    ]);
  });

  test('behaviour 144: BOTH for a package not in the cache adds it and rewrites simple/index.html', async () => {
    const s = await open([foo]);
    const before = (await stat(join(s.output, 'simple', 'index.html'))).ino;
    await s.scribe.both('foo'); // known: the root index is not rewritten
    expect((await stat(join(s.output, 'simple', 'index.html'))).ino).toBe(before);
    s.data.put({ name: 'bar' });
    await s.scribe.both('bar');
    expect(s.scribe.packages).toEqual(['bar', 'foo']);
    expect(await s.read('simple', 'index.html')).toContain('<a href="bar/">bar</a><a href="foo/">foo</a>');
  });

  test('behaviour 145: PROJECT writes only project/<pkg>/index.html and its project JSON', async () => {
    const s = await open([foo]);
    await s.scribe.project('foo');
    const tree = await s.tree();
    expect(tree).toContain('project/foo/index.html');
    expect(tree).toContain('project/foo/json/index.json');
    expect(below(tree, 'simple/')).toEqual(['simple/index.html', 'simple/index.json']);
  });

  test('behaviour 146: a project with no versions or files says so', async () => {
    const s = await open([{ name: 'empty', description: '' }]);
    await s.scribe.project('empty');
    const html = await s.read('project', 'empty', 'index.html');
    expect(html).toContain('<p class="empty">No versions</p>');
    expect(html).toContain('<p class="empty">No files</p>');
  });

  const venvInstall = (name: string) => `python3 -m venv env\n. env/bin/activate\npip install --extra-index-url https://www.piwheels.org/simple ${name}</code></pre>`;

  test('behaviour 147, for 2026 (PEP 668): apt deps every system has are left out; then a virtual environment and pip, and uv', async () => {
    const s = await open([foo, { name: 'pure', versions: [{ version: '2.0', builds: [{ abi: 'cp311', ok: true, files: [wheel('pure', '2.0')] }] }] }]);
    await s.scribe.project('foo');
    const html = await s.read('project', 'foo', 'index.html');
    expect(html).toContain(`<pre class="terminal" id="install-command"><code>sudo apt install libxml2\n${venvInstall('Foo')}`);
    expect(html).toContain('<code>uv pip install --extra-index-url https://www.piwheels.org/simple Foo</code>');
    expect(html).not.toContain('sudo pip');
    expect(html).not.toContain('libc6');
    await s.scribe.project('pure');
    expect(await s.read('project', 'pure', 'index.html')).toContain(`<pre class="terminal" id="install-command"><code>${venvInstall('pure')}`);
  });

  test('behaviour 148: pre-release and yanked versions are marked, both at once where both apply', async () => {
    const s = await open([foo]);
    await s.scribe.project('foo');
    const html = await s.read('project', 'foo', 'index.html');
    const cells = [...html.matchAll(/<tr>\s*<td>(.*?)<\/td>\s*<td>.*?<\/td>\s*<td class="abis ok">(.*?)<\/td>\s*<td class="abis failed">(.*?)<\/td>/g)].map((m) => m.slice(1));
    expect(cells).toEqual([
      ['1.1rc1 <span class="prerelease">pre-release</span> <span class="yanked">yanked</span>', 'cp311', ''],
      ['1.0', 'cp311', 'cp39'],
      ['0.9', 'cp39', ''],
    ]);
  });

  test('behaviour 149: the install box has the deps of the newest file that is neither a pre-release nor yanked; none when all are', async () => {
    const s = await open([
      foo,
      { name: 'pre', versions: [{ version: '1.0a1', builds: [{ abi: 'cp311', ok: true, files: [wheel('pre', '1.0a1', 'py3-none-any', 10, ['libx'])] }] }] },
      {
        name: 'yk',
        versions: [
          { version: '2.0', yanked: true, builds: [{ abi: 'cp311', ok: true, files: [wheel('yk', '2.0', 'py3-none-any', 10, ['libnew'])] }] },
          { version: '1.0', builds: [{ abi: 'cp311', ok: true, files: [wheel('yk', '1.0', 'py3-none-any', 10, ['libold'])] }] },
        ],
      },
    ]);
    await s.scribe.project('pre');
    expect(await s.read('project', 'pre', 'index.html')).toContain(`id="install-command"><code>${venvInstall('pre')}`);
    await s.scribe.project('yk');
    expect(await s.read('project', 'yk', 'index.html')).toContain('<code>sudo apt install libold\npython3');
  });

  test('behaviour 150: project file links are absolute /simple/<pkg>/<filename>#sha256=<hash>, sizes human-readable', async () => {
    const s = await open([foo]);
    await s.scribe.project('foo');
    const html = await s.read('project', 'foo', 'index.html');
    expect(html).toContain(`<a href="/simple/foo/foo-1.0-cp311-cp311-linux_armv7l.whl#sha256=${hash('0')}">foo-1.0-cp311-cp311-linux_armv7l.whl</a>`);
    expect(html).toContain('<td class="num">121 KB</td>'); // 123,904 bytes
    expect(html).toContain('<td class="num">5 KB</td>'); // 5,000 bytes
    expect(html).toContain('<title>piwheels - Foo</title>');
    expect(html).toContain('<h1>Foo</h1>');
    expect(html).toContain('<meta name="description" content="The piwheels project page for Foo: The foo package">');
    expect(html).toContain('<a href="/project/foo/json/">/project/foo/json/</a>');
    expect(html).toContain('<a href="https://pypi.org/project/Foo">');
    expect(html).toContain('<p class="description">The foo package</p>');
    expect(html).toContain('Page last updated 2024-03-05 14:07');
    expect(html).toContain('<body data-package="foo">');
  });

  test('behaviour 151: each alias gets a relative project/<alias> symlink; existing entries are not clobbered', async () => {
    const s = await open([foo]);
    await mkdir(join(s.output, 'project', 'FOO'));
    await s.scribe.project('foo');
    const tree = await s.tree();
    expect(tree).toContain('project/Foo -> foo');
    expect(tree).toContain('project/FOO/'); // a real directory already there stays
  });

  test('a symlink where the package directory belongs is replaced by a real directory', async () => {
    const s = await open([foo, { name: 'other' }]);
    await s.scribe.project('other');
    await symlink('other', join(s.output, 'project', 'foo'));
    await s.scribe.both('foo');
    expect((await s.tree()).filter((p) => p.startsWith('project/foo'))).toEqual(['project/foo/', 'project/foo/index.html', 'project/foo/json/', 'project/foo/json/index.json']);
    expect(await s.tree()).toContain('project/other/index.html');
  });

  test('rows after the fifth are hidden behind "Show more"', async () => {
    const versions = Array.from({ length: 7 }, (_, i) => ({
      version: `1.${i}`,
      builds: [{ abi: 'cp311', ok: true, files: [wheel('many', `1.${i}`)] }],
    }));
    const s = await open([{ name: 'many', versions }]);
    await s.scribe.project('many');
    const html = await s.read('project', 'many', 'index.html');
    expect(html.match(/class="hidden-version"/g)).toHaveLength(2);
    expect(html.match(/class="hidden-file"/g)).toHaveLength(2);
    expect(html).toContain('data-show="hidden-version">Show more versions</button>');
    expect(html).toContain('data-show="hidden-file">Show more files</button>');
    expect(html.indexOf('<td>1.6</td>')).toBeLessThan(html.indexOf('<td>1.0</td>'));
  });

  test('a skipped package shows its skip reason on every version', async () => {
    const s = await open([{ name: 'sk', skip: 'too big', versions: [{ version: '1', skip: 'own reason' }, { version: '2' }] }]);
    await s.scribe.project('sk');
    const html = await s.read('project', 'sk', 'index.html');
    expect(html).toContain('<td class="skip">own reason</td>');
    expect(html).toContain('<td class="skip">too big</td>');
  });
});

describe('hostile input', () => {
  const evil = '<script>alert("x")</script>';
  test('names, versions, descriptions and filenames never break out of markup', async () => {
    const pkg = `a"b'<c>&d`;
    const s = await open([
      {
        name: pkg,
        description: evil,
        spellings: [{ name: `"><img src=x onerror=alert(1)>`, seen: new Date(2024, 0, 1) }],
        versions: [
          {
            version: `1.0"><script>`,
            skip: evil,
            builds: [{ abi: 'cp311', ok: true, files: [{ filename: `x"><svg onload=alert(1)>.whl`, size: 1, hash: `"><b>`, abi: '<i>', aptDeps: ['</code><script>'] }] }],
          },
        ],
      },
    ]);
    await s.scribe.both(pkg);
    const project = await s.read('project', pkg, 'index.html');
    const index = await s.read('simple', pkg, 'index.html');
    for (const html of [project, index]) {
      expect(html).not.toMatch(/<script>alert|<img src=x|<svg |<b>|<i>|onerror=alert\(1\)>/);
    }
    expect(project).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(project).toContain('a&quot;b&#39;&lt;c&gt;&amp;d');
    expect(project.match(/<script/g)).toHaveLength(1); // only project.js
    expect(index).toContain('href="x%22%3E%3Csvg%20onload=alert(1)%3E.whl#sha256=&quot;&gt;&lt;b&gt;"');
    expect(await s.read('simple', 'index.html')).toContain('<a href="a%22b&#39;%3Cc%3E&amp;d/">a&quot;b&#39;&lt;c&gt;&amp;d</a>');
  });

  test.each(['', '.', '..', '../escape', 'a/b', '/etc', 'nul\0'])('package name %j is refused by every verb before anything is touched', async (bad) => {
    const s = await open([foo]);
    const before = await s.tree();
    for (const call of [() => s.scribe.both(bad), () => s.scribe.project(bad), () => s.scribe.delver(bad, '1.0'), () => s.scribe.delpkg(bad)]) {
      await expect(call()).rejects.toMatchObject({ code: 'PIW_ERR_UNSAFE_NAME' });
    }
    expect(await s.tree()).toEqual(before);
    expect(s.data.calls).toEqual([]);
    expect(s.scribe.packages).toEqual(['foo']);
  });

  test('unsafe alias and file names from the database are logged and skipped', async () => {
    const s = await open([{ ...foo, spellings: [{ name: '../../evil', seen: new Date(2024, 0, 1) }] }]);
    await s.scribe.both('foo');
    expect(await s.tree()).not.toContain('evil');
    expect(s.log.lines).toContainEqual({ level: 'warn', message: 'not linking unsafe alias "../../evil" of foo' });
    s.data.put({ name: 'foo', versions: [{ version: '1', builds: [{ abi: 'x', ok: true, files: [{ filename: '../index.html', size: 1, hash: 'h', abi: 'none' }] }] }] });
    await s.scribe.delpkg('foo');
    expect(await s.read('simple', 'index.html')).toContain('<title>piwheels - Simple index</title>'); // not unlinked
    expect(s.log.lines.some((l) => l.level === 'error' && l.message.startsWith('refusing to remove unsafe name "../index.html"'))).toBe(true);
  });
});

describe('deletion', () => {
  async function withWheels(packages: MemoryPackage[]) {
    const s = await open(packages);
    for (const p of packages) {
      await s.scribe.both(p.name);
      for (const filename of Object.keys(await s.data.packageFiles(p.name))) {
        await writeFile(join(s.output, 'simple', p.name, filename), 'wheel');
      }
    }
    s.data.calls.length = 0;
    return s;
  }

  test('behaviour 152: DELVER unlinks that version\'s wheels, keeps the others and rewrites both pages without it', async () => {
    const s = await withWheels([foo]);
    await s.scribe.delver('foo', '1.0');
    expect(s.data.calls[0]).toBe('VERFILES foo 1.0');
    expect(below(await s.tree(), 'simple/foo/')).toEqual([
      'simple/foo/foo-0.9-cp39-cp39-linux_armv7l.whl',
      'simple/foo/foo-1.1rc1-py3-none-any.whl',
      'simple/foo/index.html',
      'simple/foo/index.json',
    ]);
    const index = await s.read('simple', 'foo', 'index.html');
    const project = await s.read('project', 'foo', 'index.html');
    expect(index).not.toContain('foo-1.0-');
    expect(project).not.toContain('<td>1.0</td>');
    expect(project).toContain('<td>0.9</td>');
    // the newest release left is 0.9: its deps fill the install box
    expect(project).toContain('sudo apt install libold\n');
    expect(s.log.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  test('behaviour 153: DELPKG removes alias links, every wheel, both index pages and both directories', async () => {
    const s = await withWheels([foo, { name: 'bar' }]);
    await s.scribe.delpkg('foo');
    expect(await s.tree()).toEqual(expect.not.arrayContaining([expect.stringMatching(/^(simple|project)\/(foo|Foo|FOO)/)]));
    expect(below(await s.tree(), 'simple/', 'project/')).toEqual([
      'project/bar/', 'project/bar/index.html', 'project/bar/json/', 'project/bar/json/index.json',
      'simple/bar/', 'simple/bar/index.html', 'simple/bar/index.json', 'simple/index.html', 'simple/index.json',
    ]);
    expect(await s.read('simple', 'index.html')).not.toContain('foo');
    expect(s.scribe.packages).toEqual(['bar']);
    expect(s.log.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([]);
  });

  test('behaviour 153: a missing file is one logged error, not a failure', async () => {
    const s = await withWheels([foo]);
    await unlink(join(s.output, 'simple', 'foo', 'foo-0.9-cp39-cp39-linux_armv7l.whl'));
    await s.scribe.delpkg('foo');
    const errors = s.log.lines.filter((l) => l.level === 'error').map((l) => l.message);
    expect(errors).toEqual([`unable to remove ${join(s.output, 'simple', 'foo', 'foo-0.9-cp39-cp39-linux_armv7l.whl')}: no such file`]);
    expect((await s.tree()).filter((p) => p.includes('foo'))).toEqual([]);
  });

  test('behaviour 154: an unknown extra file keeps the simple directory (rmdir fails, logged)', async () => {
    const s = await withWheels([foo]);
    await writeFile(join(s.output, 'simple', 'foo', 'stray.txt'), 'x');
    await s.scribe.delpkg('foo');
    expect((await s.tree()).filter((p) => p.includes('foo'))).toEqual(['simple/foo/', 'simple/foo/stray.txt']);
    expect(s.log.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      `unable to remove directory ${join(s.output, 'simple', 'foo')}`,
    ]);
  });

  test('behaviour 155: DELPKG "" raises and deletes nothing', async () => {
    const s = await withWheels([foo]);
    const before = await s.tree();
    await expect(s.scribe.delpkg('')).rejects.toMatchObject({ code: 'PIW_ERR_UNSAFE_NAME', message: expect.stringContaining('""') });
    expect(await s.tree()).toEqual(before);
  });

  test('overlapping requests for one package run in call order (BOTH then DELPKG leaves nothing behind)', async () => {
    const s = await open([foo]);
    await Promise.all([s.scribe.both('foo'), s.scribe.delpkg('foo'), s.scribe.project('bar')]);
    expect(below(await s.tree(), 'simple/', 'project/')).toEqual([
      'project/bar/', 'project/bar/index.html', 'project/bar/json/', 'project/bar/json/index.json', 'simple/index.html', 'simple/index.json',
    ]);
  });
});

describe('HOME and SEARCH', () => {
  test('behaviour 140: HOME writes the home page with the four figures and the sitemaps', async () => {
    const s = await open([foo, { name: 'bar' }]);
    await s.scribe.home(stats({ packagesBuilt: 12_345, filesCount: 1_234_567, downloadsLastMonth: 42, downloadsAll: 9_876_543 }));
    const home = await s.read('index.html');
    for (const figure of ['12,345', '1,234,567', '42', '9,876,543']) expect(home).toContain(`<dd>${figure}</dd>`);
    expect(home).toContain('Page last updated 2024-03-05 14:07');
    const index = await s.read('sitemap.xml');
    expect(index).not.toContain('xml-stylesheet'); // browsers show it as it is, without an XSLT deprecation banner
    expect([...index.matchAll(/<loc>(.*?)<\/loc><lastmod>(.*?)<\/lastmod>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['https://www.piwheels.org/sitemap0.xml', '2024-03-05'],
      ['https://www.piwheels.org/sitemap1.xml', '2024-03-05'],
    ]);
    const locs = (xml: string) => [...xml.matchAll(/<loc>(.*?)<\/loc>/g)].map((m) => m[1]);
    expect(locs(await s.read('sitemap0.xml'))).toEqual(
      ['index.html', 'packages.html', 'faq.html', 'json.html', 'stats.html'].map((p) => `https://www.piwheels.org/${p}`),
    );
    // with the trailing slash, so no URL of the sitemap is a redirect
    expect(locs(await s.read('sitemap1.xml'))).toEqual(['https://www.piwheels.org/project/bar/', 'https://www.piwheels.org/project/foo/']);
  });

  test('behaviour 140: sitemaps hold 50,000 URLs each; stale higher-numbered ones are removed', async () => {
    const packages = Array.from({ length: SITEMAP_SIZE + 3 }, (_, i) => ({ name: `p${String(i).padStart(6, '0')}` }));
    const s = await open(packages);
    await writeFile(join(s.output, 'sitemap3.xml'), 'stale');
    await s.scribe.home(stats());
    const count = async (name: string) => ((await s.read(name)).match(/<url>/g) ?? []).length;
    expect(await count('sitemap1.xml')).toBe(SITEMAP_SIZE);
    expect(await count('sitemap2.xml')).toBe(3);
    expect((await s.read('sitemap2.xml')).endsWith('</urlset>\n')).toBe(true);
    expect((await readdir(s.output)).filter((n) => n.startsWith('sitemap')).sort()).toEqual(
      ['sitemap.xml', 'sitemap0.xml', 'sitemap1.xml', 'sitemap2.xml'],
    );
  });

  test('behaviour 141: SEARCH writes packages.json as compact [pkg, recent, all] triples in the map order', async () => {
    const s = await open();
    await s.scribe.search({ foo: [10, 100], bar: [0, 0], 'we"ird</script>': [1, 2] });
    expect(await s.read('packages.json')).toBe('[["foo",10,100],["bar",0,0],["we\\"ird</script>",1,2]]');
    const big = Object.fromEntries(Array.from({ length: 7_001 }, (_, i): [string, [number, number]] => [`p${i}`, [i, 2 * i]]));
    await s.scribe.search(big);
    const parsed = JSON.parse(await s.read('packages.json')) as [string, number, number][];
    expect(parsed).toHaveLength(7_001);
    expect(parsed[7_000]).toEqual(['p7000', 7_000, 14_000]);
    await s.scribe.search({});
    expect(await s.read('packages.json')).toBe('[]');
  });

  test('handle() dispatches every verb of the scribe queue', async () => {
    const s = await open([foo]);
    await s.scribe.handle({ verb: 'BOTH', data: 'foo' });
    await s.scribe.handle({ verb: 'PROJECT', data: 'foo' });
    await s.scribe.handle({ verb: 'HOME', data: stats() });
    await s.scribe.handle({ verb: 'SEARCH', data: { foo: [1, 1] } });
    await s.scribe.handle({ verb: 'DELVER', data: ['foo', '0.9'] });
    expect(await s.read('simple', 'foo', 'index.html')).not.toContain('0.9');
    await s.scribe.handle({ verb: 'DELPKG', data: 'foo' });
    const tree = await s.tree();
    expect(tree).toEqual(expect.arrayContaining(['index.html', 'packages.json', 'sitemap.xml']));
    expect(tree.filter((p) => p.includes('foo'))).toEqual([]);
  });
});

describe('behaviour 156: atomic writes', () => {
  test('a failing query leaves the old page and no temp file', async () => {
    const s = await open([foo]);
    await s.scribe.both('foo');
    const old = await s.read('project', 'foo', 'index.html');
    s.data.failNext = 'PROJDATA';
    await expect(s.scribe.project('foo')).rejects.toThrow('database unavailable during PROJDATA');
    expect(await s.read('project', 'foo', 'index.html')).toBe(old);
    expect((await s.tree()).filter((p) => p.includes('.tmp'))).toEqual([]);
  });

  test('a failing write (the target is a non-empty directory) leaves no temp file, and the next write works', async () => {
    const s = await open([foo]);
    await mkdir(join(s.output, 'project', 'foo', 'index.html'), { recursive: true });
    await writeFile(join(s.output, 'project', 'foo', 'index.html', 'x'), 'x');
    await expect(s.scribe.project('foo')).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/) });
    expect((await s.tree()).filter((p) => p.includes('.tmp'))).toEqual([]);
    await rm(join(s.output, 'project', 'foo', 'index.html'), { recursive: true });
    await s.scribe.project('foo');
    expect(await s.read('project', 'foo', 'index.html')).toContain('<h1>Foo</h1>');
  });

  test('pages are written with mode 0644', async () => {
    const s = await open([foo]);
    await s.scribe.both('foo');
    for (const p of [['simple', 'index.html'], ['simple', 'index.json'], ['simple', 'foo', 'index.html'], ['simple', 'foo', 'index.json'], ['project', 'foo', 'index.html'], ['project', 'foo', 'json', 'index.json'], ['styles.css']]) {
      expect((await stat(join(s.output, ...p))).mode & 0o777).toBe(0o644);
    }
  });
});

test('a burst of concurrent BOTHs for new packages all reach simple/index.html', async () => {
  const s = await open();
  const names = Array.from({ length: 40 }, (_, i) => `pkg${i}`);
  for (const name of names) s.data.put({ name });
  await Promise.all(names.map((n) => s.scribe.both(n)));
  const html = await s.read('simple', 'index.html');
  expect(names.filter((n) => !html.includes(`<a href="${n}/">${n}</a>`))).toEqual([]);
  expect(s.scribe.packages).toEqual([...names].sort());
  expect((await s.tree()).filter((p) => p.includes('.tmp'))).toEqual([]);
});

test('a DELPKG queued behind a BOTH of a new package leaves it out of simple/index.html', async () => {
  const s = await open();
  s.data.put({ name: 'fresh', versions: [{ version: '1', builds: [{ abi: 'cp311', ok: true, files: [wheel('fresh', '1')] }] }] });
  await Promise.all([s.scribe.both('fresh'), s.scribe.delpkg('fresh')]);
  expect(s.scribe.packages).toEqual([]);
  expect(await s.read('simple', 'index.html')).not.toContain('fresh');
  expect((await s.tree()).filter((p) => p.includes('fresh'))).toEqual([]);
});
