import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipReader } from '../../../actors/slave/zip-reader.js';
import { makeWheelWheel } from '../../../scripts/pypi-standin/bootstrap.js';
import { extensionProject, makeSdist, pureProject } from '../../../scripts/pypi-standin/sdist.js';
import { tarGz } from '../../../scripts/pypi-standin/tar-writer.js';
import { zipBuffer } from '../../../scripts/pypi-standin/zip-writer.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'piw-archives-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a Python snippet with Debian's python3 (an independent reader of tar and zip files). */
const py = (script: string, ...args: string[]) => execFileSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8' });

describe('archives the stand-in writes', () => {
  test('a tar.gz reads back in CPython tarfile, long paths included', () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(90)}.txt`;
    const path = join(dir, 'x.tar.gz');
    writeFileSync(path, tarGz([{ path: 'top' }, { path: 'top/a.txt', content: 'alpha' }, { path: `top/${long}`, content: 'long one' }], 1_600_000_000));
    const out = JSON.parse(
      py('import json, sys, tarfile\nt = tarfile.open(sys.argv[1])\nprint(json.dumps([[m.name, m.isdir(), m.mtime, t.extractfile(m).read().decode() if m.isfile() else None] for m in t]))', path),
    );
    expect(out).toEqual([
      ['top', true, 1_600_000_000, null],
      ['top/a.txt', false, 1_600_000_000, 'alpha'],
      [`top/${long}`, false, 1_600_000_000, 'long one'],
    ]);
  });

  test('an sdist has PEP 625 naming, a PKG-INFO and the project files, and is byte-identical each time', () => {
    const source = pureProject({ name: 'Piw.Demo_Thing', version: '2.0', summary: 'summary text' });
    const sdist = makeSdist(source);
    expect(sdist.filename).toBe('piw_demo_thing-2.0.tar.gz');
    expect(makeSdist(source).content.equals(sdist.content)).toBe(true);
    const path = join(dir, sdist.filename);
    writeFileSync(path, sdist.content);
    const names = JSON.parse(py('import json, sys, tarfile\nprint(json.dumps(tarfile.open(sys.argv[1]).getnames()))', path));
    expect(names).toEqual(expect.arrayContaining(['piw_demo_thing-2.0/PKG-INFO', 'piw_demo_thing-2.0/setup.py', 'piw_demo_thing-2.0/pyproject.toml', 'piw_demo_thing-2.0/piw_demo_thing.py']));
    const pkgInfo = py("import sys, tarfile\nprint(tarfile.open(sys.argv[1]).extractfile('piw_demo_thing-2.0/PKG-INFO').read().decode(), end='')", path);
    expect(pkgInfo).toBe('Metadata-Version: 2.1\nName: Piw.Demo_Thing\nVersion: 2.0\nSummary: summary text\n');
  });

  test('the C-extension project names its module in setup.py and in PyInit', () => {
    const source = extensionProject({ name: 'piw-ext', version: '1' });
    expect(source.files['setup.py']).toContain('Extension("piw_ext", ["piw_ext.c"], libraries=["m"])');
    expect(source.files['piw_ext.c']).toContain('PyInit_piw_ext');
  });

  test('a zip reads back in CPython zipfile and in the builder ZipReader', async () => {
    const path = join(dir, 'x.zip');
    writeFileSync(path, zipBuffer([{ name: 'a/b.txt', data: 'hello '.repeat(100) }, { name: 'tiny', data: 'x' }, { name: 'ü.txt', data: Buffer.from([1, 2, 3]) }]));
    expect(py('import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(z.testzip(), z.namelist())', path).trim()).toBe("None ['a/b.txt', 'tiny', 'ü.txt']");
    const zip = await ZipReader.open(path);
    try {
      expect((await zip.read(zip.entries[0]!)).toString()).toBe('hello '.repeat(100));
      expect([...(await zip.read(zip.entries[2]!))]).toEqual([1, 2, 3]);
    } finally {
      await zip.close();
    }
  });

  test('the wheel wheel made from Debian python3-wheel has a RECORD that verifies every file', async () => {
    const wheel = await makeWheelWheel();
    expect(wheel.filename).toMatch(/^wheel-[\d.]+-py3-none-any\.whl$/);
    const path = join(dir, wheel.filename);
    writeFileSync(path, wheel.content);
    const problems = py(
      [
        'import base64, hashlib, sys, zipfile',
        'z = zipfile.ZipFile(sys.argv[1])',
        "record = [l.split(',') for l in z.read(next(n for n in z.namelist() if n.endswith('.dist-info/RECORD'))).decode().splitlines()]",
        'bad = []',
        'listed = {r[0] for r in record}',
        'for name, digest, size in record:',
        "    if name.endswith('RECORD'): continue",
        '    data = z.read(name)',
        "    want = 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()",
        '    if digest != want or int(size) != len(data): bad.append(name)',
        'bad += [n for n in z.namelist() if n not in listed]',
        "bad += [] if any(n == 'wheel/__init__.py' for n in listed) else ['no wheel/__init__.py']",
        'print(bad)',
      ].join('\n'),
      path,
    );
    expect(problems.trim()).toBe('[]');
  });
});
