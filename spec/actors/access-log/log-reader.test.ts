import { compileLogFormat } from '../../../actors/access-log/log-format.js';
import { LogReader, formatCounts } from '../../../actors/access-log/log-reader.js';
import { MIXED, combined } from './samples.js';

describe('LogReader: lines in, records out, with counts', () => {
  it('counts records per kind, ignored lines and malformed lines', () => {
    const reader = new LogReader(compileLogFormat('combined'));
    const verbs = Object.values(MIXED).map((line) => reader.read(line)?.verb);
    expect(verbs).toEqual(['LOGDOWNLOAD', 'LOGSEARCH', 'LOGPROJECT', 'LOGJSON', 'LOGPAGE', undefined, undefined, undefined, undefined]);
    expect(reader.counts).toEqual({
      lines: 9,
      records: { LOGDOWNLOAD: 1, LOGSEARCH: 1, LOGPROJECT: 1, LOGJSON: 1, LOGPAGE: 1 },
      ignored: 3,
      malformed: 1,
      dropped: 0,
    });
    expect(formatCounts(reader.counts)).toBe(
      'read 9 lines: 1 downloads, 1 searches, 1 project hits, 1 JSON hits, 1 page hits; 3 ignored, 1 malformed, 0 dropped',
    );
  });

  it('counts a record whose client is a host name, not an address, as malformed', () => {
    const reader = new LogReader(compileLogFormat('combined'));
    expect(reader.read(combined('/faq.html', { host: 'client.example.com' }))).toBeUndefined();
    expect(reader.counts.malformed).toBe(1);
  });

  it('turns the +0100 time of a line into UTC', () => {
    const reader = new LogReader(compileLogFormat('combined'));
    expect(reader.read(MIXED.page)?.data[2]).toEqual(new Date(Date.UTC(2020, 8, 15, 12, 0, 0)));
  });
});
