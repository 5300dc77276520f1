import { wheelTags } from '../../../actors/slave/wheel-tags.js';

describe('wheelTags (behaviour 193; protocols.md §3.1)', () => {
  test('a 5-part name gives package, version, python, abi and platform tags and no build tag', () => {
    expect(wheelTags('numpy-1.14.0-cp34-cp34m-linux_armv7l.whl')).toEqual({
      packageTag: 'numpy',
      packageVersionTag: '1.14.0',
      buildTag: null,
      pyVersionTag: 'cp34',
      abiTag: 'cp34m',
      platformTag: 'linux_armv7l',
    });
  });

  test('a 6-part name has a build tag and the tags are counted from the end', () => {
    expect(wheelTags('foo_bar-0.1-2-py2.py3-none-any.whl')).toEqual({
      packageTag: 'foo_bar',
      packageVersionTag: '0.1',
      buildTag: '2',
      pyVersionTag: 'py2.py3',
      abiTag: 'none',
      platformTag: 'any',
    });
  });

  test('the retired abi tag noabi is reported as none', () => {
    expect(wheelTags('foo-1.0-py3-noabi-any.whl').abiTag).toBe('none');
  });

  test.each([
    'foo-1.0-py3-none-any.tar.gz',
    'foo-1.0-none-any.whl',
    'foo-1.0-a-b-py3-none-any.whl',
    'foo--py3-none-any.whl',
    '../foo-1.0-py3-none-any.whl',
    'foo-1.0-py3-none-any\0.whl',
  ])('%j is refused with a typed error', (name) => {
    expect(() => wheelTags(name)).toThrow(expect.objectContaining({ code: 'PIW_ERR_WHEEL_FILENAME' }));
  });
});
