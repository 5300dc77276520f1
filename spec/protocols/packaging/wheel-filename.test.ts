import {
  armv6lTwin,
  armv6lTwinName,
  canonicalizeName,
  buildFilesProblem,
  fileStateProblem,
  fileTags,
  InvalidWheelFilenameError,
  isProjectName,
  isWheelFilename,
  parseWheelFilename,
} from '../../../protocols/packaging/wheel-filename.js';
import type { FileStateWire } from '../../../protocols/records.js';

const HASH = 'a'.repeat(64);

describe('canonicalizeName (PEP 503, behaviour 105)', () => {
  test.each([
    ['Foo', 'foo'],
    ['foo_bar', 'foo-bar'],
    ['Foo.Bar', 'foo-bar'],
    ['foo--_.bar', 'foo-bar'],
    ['zope.interface', 'zope-interface'],
    ['numpy', 'numpy'],
  ])('%s → %s', (name, canonical) => {
    expect(canonicalizeName(name)).toBe(canonical);
  });
});

describe('isProjectName (PEP 508)', () => {
  test.each(['foo', 'Foo-Bar', 'zope.interface', 'a', 'x_1'])('accepts %j', (name) => {
    expect(isProjectName(name)).toBe(true);
  });
  test.each(['', '-foo', 'foo-', '../foo', 'foo/bar', '.', '..', 'a b', 'foo\0'])('refuses %j', (name) => {
    expect(isProjectName(name)).toBe(false);
  });
});

describe('parseWheelFilename', () => {
  test('splits a five-part name into its tags', () => {
    expect(parseWheelFilename('foo-0.1-cp34-cp34m-linux_armv7l.whl')).toEqual({
      filename: 'foo-0.1-cp34-cp34m-linux_armv7l.whl',
      distribution: 'foo',
      version: '0.1',
      build: null,
      pythonTag: 'cp34',
      abiTag: 'cp34m',
      platformTag: 'linux_armv7l',
    });
  });

  test('accepts a build tag, compressed tag sets, local versions and escaped names', () => {
    expect(parseWheelFilename('foo_bar-1.0+local.1-2b-py2.py3-none-any.whl')).toMatchObject({
      distribution: 'foo_bar',
      version: '1.0+local.1',
      build: '2b',
      pythonTag: 'py2.py3',
      abiTag: 'none',
      platformTag: 'any',
    });
    expect(isWheelFilename('numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl')).toBe(true);
    expect(isWheelFilename('zope.interface-5.0-cp37-cp37m-linux_armv6l.whl')).toBe(true);
  });

  test.each([
    ['', 'empty name'],
    ['../x.whl', 'contains a path separator'],
    ['/etc/foo-1.0-py3-none-any.whl', 'contains a path separator'],
    ['sub/foo-1.0-py3-none-any.whl', 'contains a path separator'],
    ['..\\foo-1.0-py3-none-any.whl', 'contains a path separator'],
    ['foo-1.0-py3-none-any.whl\0.txt', 'contains a NUL byte'],
    ['.foo-1.0-py3-none-any.whl', 'starts with a dot'],
    ['..', 'starts with a dot'],
    ['foo-1.0-py3-none-any .whl', 'contains whitespace or control characters'],
    ['foo-1.0-py3-none-any\n.whl', 'contains whitespace or control characters'],
    [`${'a'.repeat(250)}-1.0-py3-none-any.whl`, 'longer than 255 bytes'],
    ['foo-1.0-py3-none-any.zip', 'does not end in .whl'],
    ['foo-1.0-py3-none-any.WHL', 'does not end in .whl'],
    ['foo-1.0-any.whl', 'not of the form name-version[-build]-python-abi-platform.whl (PEP 427)'],
    ['foo-1.0-1-2-py3-none-any.whl', 'not of the form name-version[-build]-python-abi-platform.whl (PEP 427)'],
    ['-1.0-py3-none-any.whl', 'bad name part ""'],
    ['foo_-1.0-py3-none-any.whl', 'bad name part "foo_"'],
    ['foo-.1-py3-none-any.whl', 'bad version part ".1"'],
    ['foo-1.0-x1-py3-none-any.whl', 'bad build tag "x1" (must start with a digit)'],
    ['foo-1.0-py$-none-any.whl', 'bad python tag "py$"'],
    ['foo-1.0-py3-.none-any.whl', 'bad ABI tag ".none"'],
    ['foo-1.0-py3-none-.whl', 'bad platform tag ""'],
  ])('refuses %j: %s', (filename, reason) => {
    expect(isWheelFilename(filename)).toBe(false);
    let error: unknown;
    try {
      parseWheelFilename(filename);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidWheelFilenameError);
    expect((error as InvalidWheelFilenameError).code).toBe('PIW_ERR_INVALID_WHEEL_FILENAME');
    expect((error as InvalidWheelFilenameError).reason).toBe(reason);
    expect((error as Error).message).toMatch(/^invalid wheel filename ".*": /);
  });

  test('quotes the name so NUL and control characters show, and cuts very long names', () => {
    expect(() => parseWheelFilename('a\0b.whl')).toThrow('invalid wheel filename "a\\u0000b.whl": contains a NUL byte');
    const long = `${'x'.repeat(300)}.whl`;
    expect(() => parseWheelFilename(long)).toThrow(`"${'x'.repeat(100)}…": longer than 255 bytes`);
  });

  test('refuses a value that is not a string', () => {
    expect(isWheelFilename(42 as unknown as string)).toBe(false);
    expect(() => parseWheelFilename(null as unknown as string)).toThrow('invalid wheel filename "null": not a string');
  });
});

describe('fileTags (protocols/README.md §3.1)', () => {
  test('gives the five file-state tags; noabi becomes none', () => {
    expect(fileTags(parseWheelFilename('foo-0.1-7-cp34-noabi-linux_armv7l.whl'))).toEqual({
      packageTag: 'foo',
      packageVersionTag: '0.1',
      pyVersionTag: 'cp34',
      abiTag: 'none',
      platformTag: 'linux_armv7l',
    });
  });
});

describe('armv6l twins (behaviours 52, 83, 91)', () => {
  const armv7: FileStateWire = ['foo-0.1-cp34-cp34m-linux_armv7l.whl', 123456, HASH, 'foo', '0.1', 'cp34', 'cp34m', 'linux_armv7l', { apt: ['libc6'] }];

  test('a linux_armv7l wheel has a linux_armv6l twin with the same contents', () => {
    expect(armv6lTwinName('foo-0.1-cp34-cp34m-linux_armv7l.whl')).toBe('foo-0.1-cp34-cp34m-linux_armv6l.whl');
    expect(armv6lTwin(armv7)).toEqual([
      'foo-0.1-cp34-cp34m-linux_armv6l.whl', 123456, HASH, 'foo', '0.1', 'cp34', 'cp34m', 'linux_armv6l', { apt: ['libc6'] },
    ]);
  });

  test('other platforms have none', () => {
    expect(armv6lTwinName('foo-0.1-py3-none-any.whl')).toBeUndefined();
    expect(armv6lTwinName('foo-0.1-cp34-cp34m-manylinux_linux_armv7l.whl')).toBeUndefined();
    expect(armv6lTwin(['foo-0.1-py3-none-any.whl', 1, HASH, 'foo', '0.1', 'py3', 'none', 'any', {}])).toBeUndefined();
    // a platform tag that says armv7l on a name that does not is not trusted
    expect(armv6lTwin(['foo-0.1-py3-none-any.whl', 1, HASH, 'foo', '0.1', 'py3', 'none', 'linux_armv7l', {}])).toBeUndefined();
  });
});

describe('fileStateProblem: a file state must describe a wheel of its build', () => {
  const good: FileStateWire = ['Foo_Bar-0.1-cp34-noabi-linux_armv7l.whl', 10, HASH, 'Foo_Bar', '0.1', 'cp34', 'none', 'linux_armv7l', {}];

  test('a consistent file state of the package passes (names compared canonically)', () => {
    expect(fileStateProblem(good, 'foo-bar', '0.1')).toBeUndefined();
    expect(fileStateProblem(good, 'foo.bar', '0.1')).toBeUndefined();
  });

  test('a hostile filename is refused with the filename check\'s message', () => {
    expect(fileStateProblem(['../x.whl', 10, HASH, 'x', '', '', '', '', {}], 'x', '0.1')).toBe(
      'invalid wheel filename "../x.whl": contains a path separator',
    );
  });

  test('a wheel of another package is refused', () => {
    expect(fileStateProblem(good, 'foo', '0.1')).toBe('wheel "Foo_Bar-0.1-cp34-noabi-linux_armv7l.whl" is not a file of package "foo"');
  });

  test('tags that disagree with the name are refused', () => {
    const lying: FileStateWire = [...good.slice(0, 7), 'linux_x86_64', {}] as unknown as FileStateWire;
    expect(fileStateProblem(lying, 'foo-bar', '0.1')).toBe(
      'the tags of "Foo_Bar-0.1-cp34-noabi-linux_armv7l.whl" (Foo_Bar, 0.1, cp34, none, linux_x86_64) ' +
        'do not match its name (Foo_Bar, 0.1, cp34, none, linux_armv7l)',
    );
  });

  test('a negative or fractional size is refused', () => {
    expect(fileStateProblem([good[0], -1, ...good.slice(2)] as unknown as FileStateWire, 'foo-bar', '0.1')).toBe(
      'invalid size for "Foo_Bar-0.1-cp34-noabi-linux_armv7l.whl": -1',
    );
    expect(fileStateProblem([good[0], 1.5, ...good.slice(2)] as unknown as FileStateWire, 'foo-bar', '0.1')).toMatch(/invalid size/);
  });

  test('issue 11: a wheel of another version of the package is refused; the same PEP 440 version written otherwise is not', () => {
    expect(fileStateProblem(good, 'foo-bar', '0.2')).toBe('wheel "Foo_Bar-0.1-cp34-noabi-linux_armv7l.whl" is not a file of "foo-bar" version "0.2"');
    expect(fileStateProblem(good, 'foo-bar', '0.1.0')).toBeUndefined();
    const beta: FileStateWire = ['foo-1.0b0-py3-none-any.whl', 10, HASH, 'foo', '1.0b0', 'py3', 'none', 'any', {}];
    expect(fileStateProblem(beta, 'foo', '1.0-beta')).toBeUndefined();
    const legacy: FileStateWire = ['foo-2004d_r1-py3-none-any.whl', 10, HASH, 'foo', '2004d_r1', 'py3', 'none', 'any', {}];
    expect(fileStateProblem(legacy, 'foo', '2004d-r1')).toBeUndefined();
    expect(buildFilesProblem('foo', '1.0-beta', [beta, legacy])).toBe('wheel "foo-2004d_r1-py3-none-any.whl" is not a file of "foo" version "1.0-beta"');
  });

  test.each([
    ['$(touch /tmp/PWNED)'],
    ['libc6; rm -rf ~'],
    ['LibFoo'],
    ['x'],
    ['-libfoo'],
    ['libfoo bar'],
    ['libfoo\n'],
    ['a'.repeat(256)],
  ])('issue 11: apt dependency %j is refused (Debian package names only)', (name) => {
    const file: FileStateWire = [...good.slice(0, 8), { apt: ['libc6', name] }] as unknown as FileStateWire;
    expect(fileStateProblem(file, 'foo-bar', '0.1')).toMatch(/^invalid apt package name ".*"( \(\d+ characters\))? in the dependencies of "Foo_Bar-0\.1-cp34-noabi-linux_armv7l\.whl"/);
  });

  test('issue 11: Debian package names, multiarch ones included, pass; so do library paths and pip names; other tools are refused', () => {
    const deps = { apt: ['libc6', 'libstdc++6', 'libgtk-3-0', 'python3.11', 'libc6:armhf', 'g++'], '': ['/opt/vc/lib/libbcm_host.so'], pip: ['numpy'] };
    expect(fileStateProblem([...good.slice(0, 8), deps] as unknown as FileStateWire, 'foo-bar', '0.1')).toBeUndefined();
    expect(fileStateProblem([...good.slice(0, 8), { '': ['relative/lib.so'] }] as unknown as FileStateWire, 'foo-bar', '0.1')).toMatch(/^invalid library path name/);
    expect(fileStateProblem([...good.slice(0, 8), { brew: ['x'] }] as unknown as FileStateWire, 'foo-bar', '0.1')).toBe(
      'unknown dependency tool "brew" for "Foo_Bar-0.1-cp34-noabi-linux_armv7l.whl"',
    );
  });

  test.each([['A'.repeat(64)], ['a'.repeat(63)], ['g'.repeat(64)], ['']])('hash %j is refused', (hash) => {
    expect(fileStateProblem([good[0], good[1], hash, ...good.slice(3)] as unknown as FileStateWire, 'foo-bar', '0.1')).toBe(
      'invalid hash for "Foo_Bar-0.1-cp34-noabi-linux_armv7l.whl": expected 64 lowercase hex digits of SHA-256',
    );
  });
});
