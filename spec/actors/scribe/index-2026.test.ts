/**
 * The Scribe beyond 0.18, on real wheels: PEP 658 metadata files read from the wheels and recorded once,
 * PEP 503 requires-python and PEP 592 yank reasons on the links, PEP 691/700 JSON, piwheels' project JSON,
 * build logs on the site and their removal; hostile text escaped in all of them.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { MemoryPackage } from '../../../actors/scribe/memory-data.js';
import { Scribe } from '../../../actors/scribe/scribe.js';
import { writeWheel } from '../mr-chase/wheels.js';
import { hash, startScribe } from './helpers.js';

type Site = Awaited<ReturnType<typeof startScribe>>;
let site: Site | null = null;
afterEach(async () => {
  await site?.done();
  site = null;
});

const BUILT = new Date(2026, 0, 2, 3, 4, 5); // a database TIMESTAMP: UTC wall-clock read as local
const EVIL = `>=3.7"<script>&`;

/** A package of three versions: 2.0 yanked with a reason, 1.0 with an armv6l twin, 0.9 without METADATA. */
function pkg(): MemoryPackage {
  return {
    name: 'foo',
    description: 'Foo <script>alert(1)</script> & co',
    versions: [
      {
        version: '2.0',
        released: new Date(2026, 0, 1, 12, 0, 0),
        yanked: true,
        yankedReason: 'broken on "ARM" <b>',
        builds: [{ id: 7, abi: 'cp311', ok: true, builtAt: BUILT, output: 'built 2.0\n', files: [{ filename: 'foo-2.0-py3-none-any.whl', size: 1, hash: hash('2'), abi: 'none' }] }],
      },
      {
        version: '1.0',
        builds: [
          { id: 5, abi: 'cp39', ok: false, output: 'error: <failed> & gone\n' },
          {
            id: 6,
            abi: 'cp311',
            ok: true,
            builtAt: BUILT,
            output: 'built 1.0 ✓\n',
            files: [
              { filename: 'foo-1.0-cp311-cp311-linux_armv7l.whl', size: 1, hash: hash('1'), abi: 'cp311', aptDeps: ['libc6', 'libxml2'], pipDeps: ['six'] },
              { filename: 'foo-1.0-cp311-cp311-linux_armv6l.whl', size: 1, hash: hash('1'), abi: 'cp311' },
            ],
          },
        ],
      },
      { version: '0.9', builds: [{ id: 3, abi: 'cp311', ok: true, builtAt: BUILT, files: [{ filename: 'foo-0.9-py3-none-any.whl', size: 1, hash: hash('9'), abi: 'none' }] }] },
    ],
  };
}

/** The Scribe over pkg(), with its wheels on disk (the armv6l one a link, as the File Juggler makes it). */
async function withWheels() {
  site = await startScribe([pkg()]);
  const dir = join(site.output, 'simple', 'foo');
  await mkdir(dir, { recursive: true });
  const wheels = {
    w20: await writeWheel(dir, 'foo-2.0-py3-none-any.whl', { requiresPython: EVIL }),
    w10: await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_armv7l.whl', { requiresPython: '>=3.9' }),
    w09: await writeWheel(dir, 'foo-0.9-py3-none-any.whl', { noMetadata: true }),
  };
  await symlink('foo-1.0-cp311-cp311-linux_armv7l.whl', join(dir, 'foo-1.0-cp311-cp311-linux_armv6l.whl'));
  // what the site gets for each: the METADATA member as it is in the wheel
  const metadataOf = async (filename: string) => readFile(join(dir, `${filename}.metadata`));
  return { s: site, dir, wheels, metadataOf };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('PEP 658: each wheel\'s METADATA is written beside it and recorded once; the links carry its hash and Requires-Python', async () => {
  const { s, metadataOf } = await withWheels();
  await s.scribe.both('foo');
  const m20 = await metadataOf('foo-2.0-py3-none-any.whl');
  const m10 = await metadataOf('foo-1.0-cp311-cp311-linux_armv7l.whl');
  expect(m20.toString()).toContain(`Requires-Python: ${EVIL}\n`);
  expect((await metadataOf('foo-1.0-cp311-cp311-linux_armv6l.whl')).equals(m10)).toBe(true); // read through the twin link
  expect(s.data.calls.filter((c) => c.startsWith('SETFILEMETA')).sort()).toEqual([
    `SETFILEMETA foo-1.0-cp311-cp311-linux_armv6l.whl >=3.9 ${sha(m10)}`,
    `SETFILEMETA foo-1.0-cp311-cp311-linux_armv7l.whl >=3.9 ${sha(m10)}`,
    `SETFILEMETA foo-2.0-py3-none-any.whl ${EVIL} ${sha(m20)}`,
  ]);
  expect(s.log.lines).toContainEqual({ level: 'warn', message: `${join(s.output, 'simple', 'foo', 'foo-0.9-py3-none-any.whl')} has no METADATA` });

  const html = await s.read('simple', 'foo', 'index.html');
  const links = [...html.matchAll(/<a [^>]*>[^<]*<\/a>/g)].map((m) => m[0]);
  expect(links).toEqual([
    `<a href="foo-2.0-py3-none-any.whl#sha256=${hash('2')}" data-requires-python="&gt;=3.7&quot;&lt;script&gt;&amp;" data-core-metadata="sha256=${sha(m20)}" data-dist-info-metadata="sha256=${sha(m20)}" data-yanked="broken on &quot;ARM&quot; &lt;b&gt;">foo-2.0-py3-none-any.whl</a>`,
    `<a href="foo-1.0-cp311-cp311-linux_armv7l.whl#sha256=${hash('1')}" data-requires-python="&gt;=3.9" data-core-metadata="sha256=${sha(m10)}" data-dist-info-metadata="sha256=${sha(m10)}">foo-1.0-cp311-cp311-linux_armv7l.whl</a>`,
    `<a href="foo-1.0-cp311-cp311-linux_armv6l.whl#sha256=${hash('1')}" data-requires-python="&gt;=3.9" data-core-metadata="sha256=${sha(m10)}" data-dist-info-metadata="sha256=${sha(m10)}">foo-1.0-cp311-cp311-linux_armv6l.whl</a>`,
    `<a href="foo-0.9-py3-none-any.whl#sha256=${hash('9')}">foo-0.9-py3-none-any.whl</a>`,
  ]);
  expect(html).toContain('<meta name="pypi:repository-version" content="1.1">');

  // recorded: the next page reads no wheel
  s.data.calls.length = 0;
  await s.scribe.both('foo');
  expect(s.data.calls.filter((c) => c.startsWith('SETFILEMETA'))).toEqual([]);
  expect(await s.read('simple', 'foo', 'index.html')).toBe(html);
});

test('PEP 691 / 700 / 714 JSON: the root and the package, api-version 1.1, with size, upload-time, versions, yank reasons and core-metadata (never dist-info-metadata, which breaks pip 23.0); nothing markup-like unescaped', async () => {
  const { s, metadataOf } = await withWheels();
  await s.scribe.both('foo');
  const text = await s.read('simple', 'foo', 'index.json');
  expect(text).not.toMatch(/[<>&]/);
  const m20 = sha(await metadataOf('foo-2.0-py3-none-any.whl'));
  const m10 = sha(await metadataOf('foo-1.0-cp311-cp311-linux_armv7l.whl'));
  const file = (filename: string, h: string, meta: string | false, extra: object) => ({
    filename, url: filename, hashes: { sha256: h }, 'core-metadata': meta === false ? false : { sha256: meta },
    size: 1, 'upload-time': '2026-01-02T03:04:05Z', yanked: false, ...extra,
  });
  expect(JSON.parse(text)).toEqual({
    meta: { 'api-version': '1.1' },
    name: 'foo',
    files: [
      file('foo-2.0-py3-none-any.whl', hash('2'), m20, { 'requires-python': EVIL, yanked: 'broken on "ARM" <b>' }),
      file('foo-1.0-cp311-cp311-linux_armv7l.whl', hash('1'), m10, { 'requires-python': '>=3.9' }),
      file('foo-1.0-cp311-cp311-linux_armv6l.whl', hash('1'), m10, { 'requires-python': '>=3.9' }),
      file('foo-0.9-py3-none-any.whl', hash('9'), false, {}),
    ],
    versions: ['2.0', '1.0', '0.9'],
  });
  expect(JSON.parse(await s.read('simple', 'index.json'))).toEqual({ meta: { 'api-version': '1.1' }, projects: [{ name: 'foo' }] });
});

test("piwheels' project JSON: its field names, releases newest first, builds with their logs", async () => {
  const { s } = await withWheels();
  await s.scribe.both('foo');
  const text = await s.read('project', 'foo', 'json', 'index.json');
  expect(text).not.toMatch(/[<>&]/);
  const json = JSON.parse(text);
  expect(Object.keys(json)).toEqual(['package', 'summary', 'pypi_url', 'piwheels_url', 'releases']);
  expect(json).toMatchObject({
    package: 'foo',
    summary: 'Foo <script>alert(1)</script> & co',
    pypi_url: 'https://pypi.org/project/foo',
    piwheels_url: 'https://www.piwheels.org/project/foo',
  });
  expect(Object.keys(json.releases)).toEqual(['2.0', '1.0', '0.9']);
  expect(json.releases['2.0']).toMatchObject({
    released: '2026-01-01 12:00:00', prerelease: false, yanked: true, yanked_reason: 'broken on "ARM" <b>', skip_reason: '',
    builds: [{ build_id: 7, abi: 'cp311', status: 'success', log_url: '/logs/0000/0000/0007.txt.gz' }],
  });
  expect(json.releases['1.0'].files['foo-1.0-cp311-cp311-linux_armv7l.whl']).toEqual({
    file_url: '/simple/foo/foo-1.0-cp311-cp311-linux_armv7l.whl',
    filehash: hash('1'),
    filesize: 1,
    builder_abi: 'cp311',
    file_abi_tag: 'cp311',
    platform: 'linux_armv7l',
    requires_python: '>=3.9',
    apt_dependencies: ['libc6', 'libxml2'],
    pip_dependencies: ['six'],
  });
  expect(json.releases['1.0'].builds).toEqual([
    { build_id: 5, abi: 'cp39', status: 'fail', log_url: '/logs/0000/0000/0005.txt.gz' },
    { build_id: 6, abi: 'cp311', status: 'success', log_url: '/logs/0000/0000/0006.txt.gz' },
  ]);
  expect(json.releases['0.9'].builds).toEqual([{ build_id: 3, abi: 'cp311', status: 'success', log_url: null }]); // no log to give
});

test('build logs: written once, gzipped, where piwheels keeps them, and linked from the version rows, failed builds included', async () => {
  const { s } = await withWheels();
  await s.scribe.project('foo');
  expect(gunzipSync(await readFile(join(s.output, 'logs', '0000', '0000', '0005.txt.gz'))).toString()).toBe('error: <failed> & gone\n');
  expect(gunzipSync(await readFile(join(s.output, 'logs', '0000', '0000', '0006.txt.gz'))).toString()).toBe('built 1.0 ✓\n');
  const page = await s.read('project', 'foo', 'index.html');
  expect(page).toContain('<td class="abis ok"><a href="/logs/0000/0000/0006.txt.gz" title="Build log">cp311</a></td>');
  expect(page).toContain('<td class="abis failed"><a href="/logs/0000/0000/0005.txt.gz" title="Build log">cp39</a></td>');
  expect(page).toContain('<td class="abis ok">cp311</td>'); // 0.9: no log
  expect(page).toContain('<span class="yanked" title="broken on &quot;ARM&quot; &lt;b&gt;">yanked</span>');
  expect(page).not.toMatch(/<script>alert|<b>/);
  s.data.calls.length = 0;
  await s.scribe.project('foo');
  // each build is looked for once a run: 5 and 6 are on the site, the database has nothing for 3
  expect(s.data.calls.filter((c) => c.startsWith('BUILDLOG'))).toEqual([]);

  // a log a crash left empty counts as missing: a new Scribe writes it again from the database
  await writeFile(join(s.output, 'logs', '0000', '0000', '0006.txt.gz'), '');
  const again = new Scribe({ data: s.data, output: s.output });
  await again.start();
  s.data.calls.length = 0;
  await again.project('foo');
  expect(s.data.calls.filter((c) => c.startsWith('BUILDLOG')).sort()).toEqual(['BUILDLOG 3', 'BUILDLOG 6']);
  expect(gunzipSync(await readFile(join(s.output, 'logs', '0000', '0000', '0006.txt.gz'))).toString()).toBe('built 1.0 ✓\n');
});

test('DELVER removes the version\'s wheels, metadata files and build logs; DELPKG the rest', async () => {
  const { s } = await withWheels();
  await s.scribe.both('foo');
  await s.scribe.delver('foo', '1.0');
  const tree = await s.tree();
  expect(tree.filter((p) => p.includes('foo-1.0'))).toEqual([]);
  expect(tree.filter((p) => p.startsWith('logs/') && p.endsWith('.gz'))).toEqual(['logs/0000/0000/0007.txt.gz']);
  expect(tree).toContain('simple/foo/foo-2.0-py3-none-any.whl.metadata');
  const rest = pkg();
  rest.versions = rest.versions!.filter((v) => v.version !== '1.0'); // as the caller deletes the rows after DELVER
  s.data.put(rest);
  await s.scribe.delpkg('foo');
  const after = await s.tree();
  expect(after.filter((p) => p.includes('foo') || p.endsWith('.gz'))).toEqual([]);
  expect(s.log.lines.filter((l) => l.level === 'error')).toEqual([]);
});

test('wheels missing from the disk are not opened, and are reported once per package, not with every page', async () => {
  site = await startScribe([pkg()]);
  await site.scribe.both('foo');
  await site.scribe.both('foo');
  const dir = join(site.output, 'simple', 'foo');
  expect(site.log.lines.filter((l) => l.level === 'warn')).toEqual([
    {
      level: 'warn',
      message: `4 wheel(s) of foo missing from ${dir}, so without metadata: foo-2.0-py3-none-any.whl, foo-1.0-cp311-cp311-linux_armv7l.whl, foo-1.0-cp311-cp311-linux_armv6l.whl, foo-0.9-py3-none-any.whl`,
    },
  ]);
  // once a wheel arrives, its metadata is read with the next page
  await writeWheel(dir, 'foo-2.0-py3-none-any.whl', { requiresPython: '>=3.8' });
  await site.scribe.both('foo');
  expect(site.data.calls.filter((c) => c.startsWith('SETFILEMETA'))).toEqual([expect.stringMatching(/^SETFILEMETA foo-2\.0-py3-none-any\.whl >=3\.8 /)]);
});
