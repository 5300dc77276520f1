/**
 * The pure parts of the wheelhouse: what a file name says (project, version), the links of an index page
 * (hashes, yanked, <base>, entities), and the pages a container keeps (sorted, hashed, PEP 503 names).
 */
import { Templates } from '../../../actors/scribe/templates.js';
import { isArtifactOf, parseArtifact, sameVersion } from '../../../actors/wheelhouse/artifact.js';
import { filesInIndex, renderIndexPages } from '../../../actors/wheelhouse/index-pages.js';
import { parseLinks } from '../../../actors/wheelhouse/links.js';

describe('artifact names', () => {
  test.each([
    ['Foo_Bar-1.0-py3-none-any.whl', { project: 'foo-bar', version: '1.0', kind: 'wheel' }],
    ['scikit_learn-0.15.2-cp34-none-win32.whl', { project: 'scikit-learn', version: '0.15.2', kind: 'wheel' }],
    ['scikit-learn-0.15.1.tar.gz', { project: 'scikit-learn', version: '0.15.1', kind: 'sdist' }],
    ['zope.interface-5.0.zip', { project: 'zope-interface', version: '5.0', kind: 'sdist' }],
  ])('%s', (name, expected) => {
    expect(parseArtifact(name)).toMatchObject(expected);
  });

  test.each(['index.html', 'README.txt', '.hidden-1.0.tar.gz', '../x-1.0.tar.gz', 'noversion.tar.gz', 'a b-1.0.tar.gz', 'x-1.0-py3-none-any.whl.part'])(
    '%j is not an artifact',
    (name) => expect(parseArtifact(name)).toBeUndefined(),
  );

  test('names compare in PEP 503 form, versions as PEP 440 orders them', () => {
    const wheel = parseArtifact('Foo_Bar-1.0.0-py3-none-any.whl')!;
    expect(isArtifactOf(wheel, 'foo.bar', '1.0')).toBe(true);
    expect(isArtifactOf(wheel, 'FOO-BAR', undefined)).toBe(true);
    expect(isArtifactOf(wheel, 'foo-bar', '1.0.1')).toBe(false);
    expect(isArtifactOf(wheel, 'foo-baz', '1.0')).toBe(false);
    expect(sameVersion('1.0-1', '1.0.post1')).toBe(true);
    expect(sameVersion('1.0RC1', '1.0rc1')).toBe(true);
  });
});

describe('index page links', () => {
  const page = `<!DOCTYPE html><html><head><base href="https://files.example.org/pkgs/"></head><body>
    <a href="foo-1.0-py3-none-any.whl#sha256=ABCDEF01">foo-1.0-py3-none-any.whl</a>
    <A HREF='sub/foo-1.0.tar.gz#md5=00ff&amp;x=1' data-yanked="broken">foo-1.0.tar.gz</A>
    <a href="/simple/bar/">bar</a>
    <a href="foo%2Bbar-1.0.tar.gz">x</a>
    <a>no href</a></body></html>`;

  test('targets resolve against <base>; hashes, yanked and text are read; entities decoded', () => {
    const links = parseLinks(page, 'https://index.example.org/simple/foo/');
    expect(links).toEqual([
      { url: 'https://files.example.org/pkgs/foo-1.0-py3-none-any.whl', filename: 'foo-1.0-py3-none-any.whl', hashes: { sha256: 'abcdef01' }, text: 'foo-1.0-py3-none-any.whl', yanked: false },
      { url: 'https://files.example.org/pkgs/sub/foo-1.0.tar.gz', filename: 'foo-1.0.tar.gz', hashes: { md5: '00ff' }, text: 'foo-1.0.tar.gz', yanked: true },
      { url: 'https://files.example.org/simple/bar/', filename: '', hashes: {}, text: 'bar', yanked: false },
      { url: 'https://files.example.org/pkgs/foo%2Bbar-1.0.tar.gz', filename: 'foo+bar-1.0.tar.gz', hashes: {}, text: 'x', yanked: false },
    ]);
  });
});

describe('the pages a container keeps', () => {
  const templates = new Templates();
  const entries = [
    { filename: 'foo_bar-2.0-py3-none-any.whl', sha256: 'b'.repeat(64) },
    { filename: 'Foo_Bar-1.0+local.1-py3-none-any.whl', sha256: 'a'.repeat(64) },
    { filename: 'baz-1.0.tar.gz', sha256: undefined },
  ];

  test('index.html links every file sorted, with its hash when known; simple/ has a page per project', () => {
    const pages = renderIndexPages(templates, entries);
    expect([...pages.keys()].sort()).toEqual(['index.html', 'simple/baz/index.html', 'simple/foo-bar/index.html', 'simple/index.html']);
    const root = parseLinks(pages.get('index.html')!, 'https://h/c/');
    expect(root.map((l) => [l.filename, l.hashes.sha256])).toEqual([
      ['Foo_Bar-1.0+local.1-py3-none-any.whl', 'a'.repeat(64)],
      ['baz-1.0.tar.gz', undefined],
      ['foo_bar-2.0-py3-none-any.whl', 'b'.repeat(64)],
    ]);
    const project = parseLinks(pages.get('simple/foo-bar/index.html')!, 'https://h/c/simple/foo-bar/');
    expect(project.map((l) => l.url)).toEqual(['https://h/c/Foo_Bar-1.0+local.1-py3-none-any.whl', 'https://h/c/foo_bar-2.0-py3-none-any.whl']);
    expect(parseLinks(pages.get('simple/index.html')!, 'https://h/c/simple/').map((l) => l.url)).toEqual(['https://h/c/simple/baz/', 'https://h/c/simple/foo-bar/']);
  });

  test('an existing index gives back its files and hashes; foreign links are not files', () => {
    const html = renderIndexPages(templates, entries).get('index.html')! + '<a href="https://elsewhere/x-1.0.tar.gz">x</a><a href="sub/y-1.0.tar.gz">y</a>';
    expect(filesInIndex(html)).toEqual(
      new Map<string, string | undefined>([
        ['Foo_Bar-1.0+local.1-py3-none-any.whl', 'a'.repeat(64)],
        ['baz-1.0.tar.gz', undefined],
        ['foo_bar-2.0-py3-none-any.whl', 'b'.repeat(64)],
      ]),
    );
  });

  test('file names are escaped in links and text', () => {
    const html = renderIndexPages(templates, [{ filename: 'a_b-1.0+x.y-py3-none-any.whl', sha256: undefined }]).get('index.html')!;
    expect(html).toContain('<a href="a_b-1.0+x.y-py3-none-any.whl">a_b-1.0+x.y-py3-none-any.whl</a>');
  });
});
