/**
 * The access-log columns (schema/access-log.ts) and the text fitting every write of web-log fields shares
 * (schema/text.ts): pure, no database. Writing is tested in database.test.ts and by the Lumberjack's sink.
 */
import { accessLogStatement, fitAccessRecord, isDataRejection } from '../../schema/access-log.js';
import { fitText, sanitize } from '../../schema/text.js';
import type { DownloadRecordWire, HitRecordWire } from '../../protocols/records.js';

const WHEN = new Date(Date.UTC(2020, 8, 15, 12, 0, 0, 123));
const hit = (name: string, ua = 'Mozilla/5.0'): HitRecordWire => [name, '192.0.2.1', WHEN, ua];
const download = (fields: Partial<Record<number, string | null>> = {}): DownloadRecordWire => {
  const data: DownloadRecordWire = ['foo-1.0-py3-none-any.whl', '192.0.2.1', WHEN, 'armv7l', null, null, null, null, 'CPython', '3.7', 'pip', '20.0', null];
  for (const [i, v] of Object.entries(fields)) (data as unknown[])[+i] = v;
  return data;
};

describe('fitText', () => {
  test('replaces the control characters 0.18 replaced, keeping tab, newline, form feed and carriage return', () => {
    expect(sanitize('a\x00b\x1b[31m\x7f\t\n\f\r')).toBe('a\ufffdb\ufffd[31m\ufffd\t\n\f\r');
    expect(fitText('a\x00b', 10)).toBe('a\ufffdb');
  });

  test('cuts to the width in characters (code points), never splitting a surrogate pair', () => {
    expect(fitText('😀'.repeat(5), 3)).toBe('😀😀😀');
    expect(fitText('ab😀cd', 3)).toBe('ab😀');
    expect(fitText('x'.repeat(31), 30)).toBe('x'.repeat(30));
    expect(fitText('😀😀', 2)).toBe('😀😀');
    expect(fitText(null, 5)).toBeNull();
  });
});

describe('fitAccessRecord', () => {
  test('a record that fits comes back as the same array, not truncated', () => {
    const record = download();
    expect(fitAccessRecord('LOGDOWNLOAD', record)).toEqual({ record, truncated: false });
    expect(fitAccessRecord('LOGDOWNLOAD', record).record).toBe(record);
  });

  test('every text field is cut to its column: filename 255, package 200, page 30, installer 20, user agent 2000', () => {
    const fit = fitAccessRecord('LOGDOWNLOAD', download({ 0: '😀'.repeat(300), 10: 'i'.repeat(21), 3: 'a'.repeat(101) }));
    expect(fit.truncated).toBe(true);
    expect([...fit.record[0]]).toHaveLength(255);
    expect(fit.record[10]).toBe('i'.repeat(20));
    expect(fit.record[3]).toBe('a'.repeat(100));
    expect(fitAccessRecord('LOGSEARCH', download({ 0: 'p'.repeat(201) })).record[0]).toBe('p'.repeat(200));
    expect(fitAccessRecord('LOGPAGE', hit('x'.repeat(31))).record).toEqual(hit('x'.repeat(30)));
    expect(fitAccessRecord('LOGPROJECT', hit('p'.repeat(200), 'u'.repeat(2001)))).toEqual({ record: hit('p'.repeat(200), 'u'.repeat(2000)), truncated: true });
  });

  test('cleaning alone is not truncation; host and time are left alone', () => {
    const record: HitRecordWire = ['faq', 'not an ip', WHEN, 'evil\u0000ua'];
    expect(fitAccessRecord('LOGJSON', record)).toEqual({ record: ['faq', 'not an ip', WHEN, 'evil\ufffdua'], truncated: false });
  });
});

describe('accessLogStatement', () => {
  test('one SELECT calling each kind present, in a fixed order, with one typed array parameter per column', () => {
    const statement = accessLogStatement({ LOGPAGE: [hit('a "b"'), hit('c\\d', 'NULL')], LOGDOWNLOAD: [download()] });
    expect(statement?.text).toBe(
      'SELECT log_downloads(' +
        Array.from({ length: 13 }, (_, i) => `$${i + 1}::text::${i === 1 ? 'inet' : i === 2 ? 'timestamp' : 'text'}[]`).join(', ') +
        '), log_pages($14::text::text[], $15::text::inet[], $16::text::timestamp[], $17::text::text[])',
    );
    expect(statement?.params.slice(0, 4)).toEqual(['{"foo-1.0-py3-none-any.whl"}', '{"192.0.2.1"}', `{"${WHEN.toISOString()}"}`, '{"armv7l"}']);
    expect(statement?.params[4]).toBe('{NULL}');
    expect(statement?.params.slice(13)).toEqual([
      '{"a \\"b\\"","c\\\\d"}',
      '{"192.0.2.1","192.0.2.1"}',
      `{"${WHEN.toISOString()}","${WHEN.toISOString()}"}`,
      '{"Mozilla/5.0","NULL"}',
    ]);
  });

  test('nothing to write, no statement', () => {
    expect(accessLogStatement({})).toBeUndefined();
    expect(accessLogStatement({ LOGJSON: [] })).toBeUndefined();
  });
});

test('isDataRejection: SQLSTATE classes 22 and 23 from PostgreSQL, nothing else', () => {
  const pg = (code: string) => Object.assign(new Error('x'), { name: 'PostgresError', code });
  expect(isDataRejection(pg('22001'))).toBe(true);
  expect(isDataRejection(pg('23503'))).toBe(true);
  expect(isDataRejection(pg('57P01'))).toBe(false);
  expect(isDataRejection(Object.assign(new Error('x'), { code: '22001' }))).toBe(false);
  expect(isDataRejection(new Error('write CONNECTION_CLOSED'))).toBe(false);
  expect(isDataRejection(null)).toBe(false);
});
