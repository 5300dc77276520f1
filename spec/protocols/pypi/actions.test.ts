import { parseAction } from '../../../protocols/pypi/actions.js';

describe('changelog actions (spec/behaviours.md A.4, anchored rules)', () => {
  test.each([
    ['add source file foo-1.0.tar.gz', 'source-file'],
    ['add py2.py3 file foo-1.0-py2.py3-none-any.whl', 'binary-file'],
    ['add cp311 file foo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl', 'binary-file'],
    ['add 2.7 file foo-1.0.egg', 'binary-file'],
    ['create', 'create'],
    ['remove', 'remove'],
    ['remove project', 'remove'],
    ['remove release', 'remove'],
    ['yank release', 'yank'],
    ['unyank release', 'unyank'],
  ])('%s → %s', (action, parsed) => {
    expect(parseAction(action)).toBe(parsed);
  });

  test.each([
    'new release',
    'remove Owner alice',
    'remove Maintainer bob',
    'add Owner alice',
    'docupdate',
    'update description',
    'remove file foo-1.0.tar.gz',
    'remove package',
    'create ',
    ' create',
    'yank release now',
    'unyank',
    'add  file foo.whl',
    'Add source file foo.tar.gz',
  ])('%s is ignored', (action) => {
    expect(parseAction(action)).toBeNull();
  });
});
