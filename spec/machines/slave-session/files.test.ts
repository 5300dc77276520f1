import { buildRecord, markTransferred, nextUntransferred, prepareFiles } from '../../../machines/slave-session/index.js';
import { TimeDelta } from '../../../protocols/index.js';
import type { FileStateWire } from '../../../protocols/index.js';
import { armTwinName, armWheel, pureWheel } from '../support/slave-fixtures.js';

const names = (files: { file: FileStateWire }[]) => files.map((f) => f.file[0]);

describe('prepareFiles (behaviour 52)', () => {
  test('adds a pre-transferred linux_armv6l twin for each linux_armv7l wheel and sorts by filename', () => {
    const files = prepareFiles([pureWheel, armWheel]);
    expect(names(files)).toEqual([armTwinName, armWheel[0], pureWheel[0]]);
    expect(files.map((f) => f.transferred)).toEqual([true, false, false]);
    expect(files[0]!.file).toEqual([armTwinName, ...armWheel.slice(1, 7), 'linux_armv6l', armWheel[8]]);
  });

  test('keeps one entry per filename, the later one winning, as 0.18 did', () => {
    const bigger: FileStateWire = [pureWheel[0], 9999, ...pureWheel.slice(2)] as FileStateWire;
    const files = prepareFiles([pureWheel, bigger]);
    expect(files).toEqual([{ file: bigger, transferred: false }]);
  });

  test('an armv6l wheel the slave built itself is not replaced by a twin and must be transferred', () => {
    const ownArmv6: FileStateWire = [armTwinName, 1, 'c'.repeat(64), 'foo', '1.0', 'cp311', 'cp311', 'linux_armv6l', {}];
    const files = prepareFiles([armWheel, ownArmv6]);
    expect(files).toEqual([{ file: ownArmv6, transferred: false }, { file: armWheel, transferred: false }]);
  });

  test('orders by code point, not by locale (upper case before lower case)', () => {
    const upper: FileStateWire = ['Zed-1.0-py3-none-any.whl', 1, 'd'.repeat(64), 'Zed', '1.0', 'py3', 'none', 'any', {}];
    expect(names(prepareFiles([pureWheel, upper]))).toEqual([upper[0], pureWheel[0]]);
  });
});

test('nextUntransferred finds the first file still to send, from an index, or -1', () => {
  const files = prepareFiles([pureWheel, armWheel]);
  expect(nextUntransferred(files)).toBe(1);
  expect(nextUntransferred(files, 2)).toBe(2);
  expect(nextUntransferred(markTransferred(markTransferred(files, 1), 2))).toBe(-1);
  expect(nextUntransferred([])).toBe(-1);
});

test('markTransferred returns a new list and leaves the old one alone', () => {
  const files = prepareFiles([pureWheel]);
  const done = markTransferred(files, 0);
  expect(done[0]!.transferred).toBe(true);
  expect(files[0]!.transferred).toBe(false);
});

describe('buildRecord (LOGBUILD, protocols/README.md §3.2)', () => {
  const duration = TimeDelta.fromSeconds(12);
  test('a success carries every file, twins included, in filename order, and the slave ABI', () => {
    const files = prepareFiles([pureWheel, armWheel]);
    expect(buildRecord(3, 'cp311', { package: 'foo', version: '1.0', status: true, duration, output: 'ok', files })).toEqual([
      3, 'foo', '1.0', 'cp311', true, duration, 'ok', files.map((f) => f.file),
    ]);
  });

  test('a failure is recorded without files', () => {
    const files = prepareFiles([pureWheel]);
    expect(buildRecord(3, 'cp311', { package: 'foo', version: '1.0', status: false, duration, output: 'boom', files })[7]).toEqual([]);
  });

  test('a build without a result cannot be recorded', () => {
    expect(() => buildRecord(3, 'cp311', { package: 'foo', version: '1.0' })).toThrow('build foo 1.0 has no result to log');
  });
});
