import { monitorStatsProtocol, NO_DATA } from '../../../protocols/index.js';
import {
  appendStats,
  EMPTY_STATS_LOG,
  replayStatus,
  replyStatus,
  slaveStatus,
  STATS_KEPT,
  statsSamples,
} from '../../../machines/slave-session/index.js';
import type { SlaveSessionContext, StatsLog } from '../../../machines/slave-session/index.js';
import { helloData, statsData } from '../support/slave-fixtures.js';

const at = (s: number) => new Date(Date.UTC(2024, 0, 1) + s * 1000);

function logOf(count: number, keep = STATS_KEPT): StatsLog {
  let log = EMPTY_STATS_LOG;
  for (let i = 0; i < count; i++) log = appendStats(log, { at: at(i), stats: statsData(at(i)) }, keep);
  return log;
}

describe('stats log (behaviour 71: the last 100 samples per slave)', () => {
  test('gives the newest samples, oldest first', () => {
    expect(statsSamples(logOf(3), STATS_KEPT).map((s) => s.at)).toEqual([at(0), at(1), at(2)]);
    expect(statsSamples(EMPTY_STATS_LOG, STATS_KEPT)).toEqual([]);
  });

  test('keeps only the last N however many were appended, trimming back to N at 2N', () => {
    for (const count of [4, 5, 7, 8, 9, 23]) {
      const log = logOf(count, 4);
      expect(statsSamples(log, 4).map((s) => s.at)).toEqual([count - 4, count - 3, count - 2, count - 1].map(at));
      expect(log.length).toBeLessThan(8);
    }
  });

  test('appending never changes an earlier log (snapshots stay immutable)', () => {
    const before = logOf(7, 4);
    const seen = statsSamples(before, 4);
    appendStats(before, { at: at(99), stats: statsData() }, 4);
    expect(statsSamples(before, 4)).toEqual(seen);
  });
});

describe('status messages (protocols/README.md §4.12)', () => {
  test('a reply without data is reported with the NoData marker; every status is valid on the wire', () => {
    const statuses = [
      replyStatus(3, at(1), { verb: 'DONE' }),
      replyStatus(3, at(1), { verb: 'DIE' }),
      replyStatus(3, at(1), { verb: 'SLEEP', data: true }),
      replyStatus(3, at(1), { verb: 'BUILD', data: ['foo', '1.0'] }),
      slaveStatus(3, at(1), 'DIE', null),
      slaveStatus(3, at(1), 'STATS', statsData()),
    ];
    expect(statuses.map((s) => s.data[3])).toEqual([NO_DATA, NO_DATA, true, ['foo', '1.0'], null, statsData()]);
    for (const status of statuses) expect(() => monitorStatsProtocol.encode(status)).not.toThrow();
  });

  test('71: replay is HELLO at first-seen, the kept stats at their times, then the last reply at last-seen', () => {
    const hello = helloData();
    const context = {
      slaveId: 3,
      hello,
      firstSeen: at(0),
      lastSeen: at(9),
      stats: logOf(2),
      lastReply: { verb: 'SLEEP', data: false },
    } as SlaveSessionContext;
    expect(replayStatus(context).map((s) => s.data)).toEqual([
      [3, at(0), 'HELLO', hello],
      [3, at(0), 'STATS', statsData(at(0))],
      [3, at(1), 'STATS', statsData(at(1))],
      [3, at(9), 'SLEEP', false],
    ]);
    expect(replayStatus({ ...context, hello: null, firstSeen: null, lastSeen: null })).toEqual([]);
  });
});
