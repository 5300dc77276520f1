/** piw-import's own parsing: --duration, METADATA headers, --dependencies files, the file-queue address. */
import { formatDuration, parseDuration } from '../../cli/common/duration.js';
import { aptDependencies, connectable } from '../../cli/import/import-command.js';
import { parseMetadata } from '../../cli/import/local-wheel.js';
import { TimeDelta } from '../../protocols/cbor/values.js';

describe('--duration', () => {
  test.each([
    ['0', 0],
    ['90', 90],
    ['1.5', 1.5],
    ['500ms', 0.5],
    ['45s', 45],
    ['10m', 600],
    ['3h', 10_800],
    ['2d', 172_800],
    ['1w', 604_800],
    ['1h30m', 5400],
    ['1h 30m 15s', 5415],
    ['1:30:00', 5400],
    ['90:00', 5400],
    ['0:00:01.25', 1.25],
  ])('%s is %d seconds', (text, seconds) => {
    expect(parseDuration(text).totalSeconds).toBe(seconds);
  });

  test.each(['', 'a while', '-5', '5 parsecs', '1h-30m', '1:2:3:4', `${'9'.repeat(20)}d`])('%j is refused', (text) => {
    expect(() => parseDuration(text)).toThrow(/duration/);
  });

  test('is shown as Python shows a timedelta', () => {
    expect(formatDuration(new TimeDelta(0, 5400, 0))).toBe('1:30:00');
    expect(formatDuration(new TimeDelta(2, 5, 250_000))).toBe('2 days, 0:00:05.250000');
    expect(formatDuration(new TimeDelta())).toBe('0:00:00');
  });
});

describe('METADATA', () => {
  test('Name and Version come from the headers, not from the description after the blank line', () => {
    expect(parseMetadata('Metadata-Version: 2.1\nName: Foo.Bar\nVersion: 1.0.post1\n\nName: other\n')).toEqual({ name: 'Foo.Bar', version: '1.0.post1' });
    expect(parseMetadata('Metadata-Version: 2.1\r\nname:  foo \r\nversion: 2\r\n')).toEqual({ name: 'foo', version: '2' });
  });

  test('headers without a Name or Version give nothing', () => {
    expect(parseMetadata('Metadata-Version: 2.1\nName: foo\n')).toBeUndefined();
    expect(parseMetadata('\nName: foo\nVersion: 1\n')).toBeUndefined();
  });
});

describe('--dependencies', () => {
  test('whitespace-separated apt names become one sorted list without repeats (behaviour 199)', () => {
    expect(aptDependencies('libfoo1 libbar2\n\tlibfoo1\n libc6 ')).toEqual({ apt: ['libbar2', 'libc6', 'libfoo1'] });
    expect(aptDependencies(' \n')).toEqual({});
  });

  test('anything that is not a Debian package name is refused', () => {
    expect(() => aptDependencies('libfoo1 ../../x')).toThrow('"../../x" is not a Debian package name');
    expect(() => aptDependencies('LibFoo')).toThrow('is not a Debian package name');
  });
});

test('a file queue given as the master binds it (tcp://*:5556) is reached on this machine', () => {
  expect(connectable('tcp://*:5556')).toBe('tcp://localhost:5556');
  expect(connectable('tcp://0.0.0.0:6000')).toBe('tcp://localhost:6000');
  expect(connectable('tcp://[::]:5556')).toBe('tcp://localhost:5556');
  expect(connectable('tcp://master.example:5556')).toBe('tcp://master.example:5556');
  expect(connectable('ipc:///tmp/files')).toBe('ipc:///tmp/files');
});
