import { assertPlainName, isPlainName, resolveInside } from '../../../actors/support/fs-guard.js';

test('plain names are single ordinary path components', () => {
  for (const ok of ['foo', 'Foo.Bar', 'foo-1.0-py3-none-any.whl', '..foo', 'a..b', '.hidden', 'x\\y']) {
    expect([ok, isPlainName(ok)]).toEqual([ok, true]);
  }
  for (const bad of ['', '.', '..', 'a/b', '../x.whl', '/abs', 'nul\0byte']) {
    expect([bad, isPlainName(bad)]).toEqual([bad, false]);
  }
  expect(() => assertPlainName('../x.whl', 'file')).toThrow(
    expect.objectContaining({ code: 'PIW_ERR_UNSAFE_NAME', message: 'refusing unsafe file name "../x.whl": it must be one plain path component' }),
  );
  expect(() => assertPlainName('foo', 'package')).not.toThrow();
});

test('resolveInside keeps paths under the root and refuses escapes', () => {
  expect(resolveInside('/out', 'simple', 'foo', 'index.html')).toBe('/out/simple/foo/index.html');
  expect(resolveInside('/out/', 'simple/./foo/../bar')).toBe('/out/simple/bar');
  expect(resolveInside('/out')).toBe('/out');
  expect(resolveInside('/out', '..out', 'x')).toBe('/out/..out/x');
  for (const escape of [['..'], ['simple', '..', '..', 'etc'], ['/etc/passwd'], ['../out2/x'], ['a\0b']]) {
    expect(() => resolveInside('/out', ...escape)).toThrow(expect.objectContaining({ code: 'PIW_ERR_PATH_ESCAPE' }));
  }
});
