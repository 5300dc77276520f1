import { formatSize, localDate, localMinute, pathSegment, queryValue, thousands } from '../../../actors/scribe/format.js';

test('thousands separators as Python {:,}', () => {
  expect([0, 7, 999, 1000, 1234567, -1234567].map(thousands)).toEqual(['0', '7', '999', '1,000', '1,234,567', '-1,234,567']);
});

test('format_size: base 1024, no decimals, halves to even, 0 B for nothing', () => {
  expect([0, -5, 1, 1023, 1024, 1535, 1536, 2560, 123_904, 1024 ** 2, 5 * 1024 ** 3 + 1, 1024 ** 9].map(formatSize)).toEqual([
    '0 B', '0 B', '1 B', '1023 B', '1 KB', '1 KB', '2 KB', '2 KB', '121 KB', '1 MB', '5 GB', '1024 YB',
  ]);
});

test('local time stamps', () => {
  const d = new Date(2024, 0, 9, 5, 3, 59);
  expect(localDate(d)).toBe('2024-01-09');
  expect(localMinute(d)).toBe('2024-01-09 05:03');
});

test('path segments keep wheel names readable and escape what changes a URL', () => {
  expect(pathSegment('foo-1.0+local.1-py3-none-any.whl')).toBe('foo-1.0+local.1-py3-none-any.whl');
  expect(pathSegment('a/b?c#d%e f')).toBe('a%2Fb%3Fc%23d%25e%20f');
  expect(pathSegment('naïve')).toBe('na%C3%AFve');
  expect(pathSegment('bad\uD800')).toBe('bad%EF%BF%BD'); // a lone surrogate does not throw
  expect(queryValue('a b&c\uDC00')).toBe('a%20b%26c%EF%BF%BD');
});
