import { fitRecord } from '../../../actors/lumberjack/fit-record.js';
import type { LogRecord } from '../../../actors/lumberjack/log-sink.js';

const WHEN = new Date(Date.UTC(2020, 8, 15, 12));
const page = (name: string, host = '192.0.2.1', ua = 'Mozilla/5.0'): LogRecord => ({ verb: 'LOGPAGE', data: [name, host, WHEN, ua] });
const download = (fields: Partial<Record<number, string | null>> = {}): LogRecord => {
  const data: unknown[] = ['foo-1.0-py3-none-any.whl', '192.0.2.1', WHEN, 'armv7l', null, null, null, null, 'CPython', '3.7', 'pip', '20.0', null];
  for (const [i, v] of Object.entries(fields)) data[+i] = v;
  return { verb: 'LOGDOWNLOAD', data } as LogRecord;
};

describe('fitRecord: records made to fit the database', () => {
  it('passes a record that fits through unchanged', () => {
    const record = download();
    expect(fitRecord(record)).toEqual({ record, truncated: false });
  });

  it('cuts a page name longer than 30 characters to 30 (0.18 died on these)', () => {
    const fit = fitRecord(page('x'.repeat(31)));
    expect(fit).toEqual({ record: page('x'.repeat(30)), truncated: true });
  });

  it('cuts every text field to its column width, counting characters not UTF-16 units', () => {
    const fit = fitRecord(download({ 0: '😀'.repeat(300), 10: 'i'.repeat(21), 3: 'a'.repeat(101) }));
    if ('refused' in fit) throw new Error(fit.refused);
    expect(fit.truncated).toBe(true);
    expect([...(fit.record.data[0] as string)]).toHaveLength(255);
    expect(fit.record.data[10]).toBe('i'.repeat(20));
    expect(fit.record.data[3]).toBe('a'.repeat(100));
    expect(fitRecord(page('p', '192.0.2.1', 'u'.repeat(2001)))).toMatchObject({ truncated: true });
  });

  it('replaces control characters (NUL, escapes) in text with U+FFFD, keeping tabs', () => {
    expect(fitRecord(page('faq', '192.0.2.1', 'evil\u0000ua\u001b[31m\tok'))).toEqual({
      record: page('faq', '192.0.2.1', 'evil\ufffdua\ufffd[31m\tok'),
      truncated: false,
    });
  });

  it('refuses a record whose host is not an IP address, or has an IPv6 zone', () => {
    expect(fitRecord(page('faq', 'client.example.com'))).toEqual({ refused: 'host "client.example.com" is not an IP address' });
    expect(fitRecord(page('faq', 'fe80::1%eth0'))).toMatchObject({ refused: expect.stringContaining('fe80::1%eth0') });
    expect(fitRecord(page('faq', '2001:db8::1'))).toMatchObject({ truncated: false });
  });

  it('refuses a time before 4713 BC', () => {
    const record: LogRecord = { verb: 'LOGPAGE', data: ['faq', '192.0.2.1', new Date(Date.UTC(-5000, 0, 1)), 'ua'] };
    expect(fitRecord(record)).toMatchObject({ refused: expect.stringContaining('TIMESTAMP') });
  });
});
