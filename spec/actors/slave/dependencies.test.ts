import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractSharedObjects, wheelDependencies } from '../../../actors/slave/dependencies.js';

/**
 * A real wheel (zip written by CPython's zipfile) holding real gcc-built objects: an extension that loads
 * zlib and libc (Debian-owned), a private library in a temp dir (owned by nothing), and a library
 * bundled in the wheel and found through $ORIGIN.
 */
let dir: string;
let wheel: string;
let privateLib: string;

function gcc(...args: string[]) {
  execFileSync('gcc', args, { stdio: 'pipe' });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'piw-deps-test-'));
  const src = join(dir, 'src');
  mkdirSync(join(src, 'pkg.libs'), { recursive: true });
  mkdirSync(join(src, 'pkg'), { recursive: true });
  mkdirSync(join(dir, 'private'));
  writeFileSync(join(dir, 'private.c'), 'int piw_private(void) { return 42; }\n');
  privateLib = join(dir, 'private', 'libpiwprivate.so');
  gcc('-shared', '-fPIC', '-o', privateLib, join(dir, 'private.c'));
  writeFileSync(join(dir, 'bundled.c'), 'int piw_bundled(void) { return 7; }\n');
  gcc('-shared', '-fPIC', '-Wl,-soname,libbundled.so.1', '-o', join(src, 'pkg.libs', 'libbundled.so.1'), join(dir, 'bundled.c'));
  writeFileSync(
    join(dir, 'ext.c'),
    [
      '#include <string.h>',
      'const char *zlibVersion(void);',
      'int piw_private(void); int piw_bundled(void);',
      'int ext(const char *s) { return (int)strlen(s) + piw_private() + piw_bundled() + (zlibVersion() != 0); }',
    ].join('\n'),
  );
  gcc(
    '-shared', '-fPIC', '-o', join(src, 'pkg', 'ext.cpython-311-x86_64-linux-gnu.so'), join(dir, 'ext.c'),
    `-L${join(dir, 'private')}`, `-Wl,-rpath,${join(dir, 'private')}`, '-lpiwprivate',
    `-L${join(src, 'pkg.libs')}`, "-Wl,-rpath,$ORIGIN/../pkg.libs", '-l:libbundled.so.1',
    '-l:libz.so.1', // the runtime library itself (zlib1g, which dpkg needs): no -dev package required
  );
  wheel = join(dir, 'piwdeps-1.0-cp311-cp311-linux_x86_64.whl');
  execFileSync('/usr/bin/python3', [
    '-c',
    [
      'import sys, zipfile',
      "src, out = sys.argv[1], sys.argv[2]",
      "with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as zf:",
      "    zf.write(src + '/pkg/ext.cpython-311-x86_64-linux-gnu.so', 'pkg/ext.cpython-311-x86_64-linux-gnu.so')",
      "    zf.write(src + '/pkg.libs/libbundled.so.1', 'pkg.libs/libbundled.so.1')",
      "    zf.writestr('pkg/readme.so.txt', 'not an ELF object, despite the name')",
      "    zf.writestr('../escape.so', open(src + '/pkg.libs/libbundled.so.1', 'rb').read())",
      "    zf.writestr('pkg/__init__.py', '')",
      "    zf.writestr('piwdeps-1.0.dist-info/METADATA', 'Metadata-Version: 2.1\\nName: piwdeps\\nVersion: 1.0\\n')",
    ].join('\n'),
    src,
    wheel,
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wheel dependencies (spec/behaviours.md A.3; protocols/README.md §3.1)', () => {
  test('only ELF members named *.so or *.so.* are extracted, and never outside the work dir', async () => {
    const work = mkdtempSync(join(dir, 'extract-'));
    const objects = await extractSharedObjects(wheel, work);
    expect(objects.map((p) => p.slice(work.length + 1)).sort()).toEqual(['pkg.libs/libbundled.so.1', 'pkg/ext.cpython-311-x86_64-linux-gnu.so']);
    expect(existsSync(join(work, '..', 'escape.so'))).toBe(false);
  });

  test('Debian-owned libraries go under apt, unowned ones under "" by real path; bundled ones are not dependencies', async () => {
    const deps = await wheelDependencies(wheel, { workDir: mkdtempSync(join(dir, 'work-')) });
    expect(deps).toEqual({ apt: ['libc6', 'zlib1g'], '': [realpathSync(privateLib)] });
  });

  test('a wheel without shared objects has no dependencies: {}', async () => {
    const pure = join(dir, 'pure-1.0-py3-none-any.whl');
    execFileSync('/usr/bin/python3', ['-c', "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as zf: zf.writestr('pure.py', 'x = 1')", pure]);
    expect(await wheelDependencies(pure, { workDir: mkdtempSync(join(dir, 'work-')) })).toEqual({});
  });

  test('a wheel that is not a zip fails the analysis with a typed error', async () => {
    const broken = join(dir, 'broken-1.0-py3-none-any.whl');
    writeFileSync(broken, 'garbage');
    await expect(wheelDependencies(broken, { workDir: mkdtempSync(join(dir, 'work-')) })).rejects.toMatchObject({
      code: 'PIW_ERR_BUILD_DEPENDENCIES',
      message: expect.stringContaining('broken-1.0-py3-none-any.whl'),
    });
  });

  test('an aborted analysis is a stopped build', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(wheelDependencies(wheel, { workDir: mkdtempSync(join(dir, 'work-')), signal: abort.signal })).rejects.toMatchObject({
      code: 'PIW_ERR_BUILD_ABORTED',
    });
  });
});
