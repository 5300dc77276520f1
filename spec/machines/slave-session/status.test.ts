import { Float64, monitorStatsProtocol, NO_DATA, PreciseDate, slaveClientProtocol, slaveDriverProtocol } from '../../../protocols/index.js';
import {
  appendStats,
  EMPTY_STATS_LOG,
  replayStatus,
  replyStatus,
  slaveStatus,
  STATS_KEPT,
  statsSamples,
} from '../../../machines/slave-session/index.js';
import type { SlaveSessionContext, SlaveStatsWire, StatsLog, StatsSample } from '../../../machines/slave-session/index.js';
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

  test('keeps only the last N however many were appended, trimming back to N at N + N/4', () => {
    for (const count of [4, 5, 7, 8, 9, 23, 250]) {
      const log = logOf(count, 4);
      expect(statsSamples(log, 4).map((s) => s.at)).toEqual([count - 4, count - 3, count - 2, count - 1].map(at));
      expect(log.length).toBeLessThan(5);
    }
    expect(logOf(250).length).toBeLessThan(STATS_KEPT + STATS_KEPT / 4);
  });

  test('a sample comes back as the slave sent it (microseconds, whole floats, plain Dates): its replay is the same on the wire', () => {
    const arrived = new Date(Date.UTC(2024, 5, 1, 12, 0, 0, 250));
    // As the Slave Driver gets them: decoded from a slave's IDLE frame, then validated.
    const fromWire = (stats: unknown[]) =>
      (slaveDriverProtocol.decode(slaveClientProtocol.encode({ verb: 'IDLE', data: stats as never })) as { data: unknown }).data;
    const samples = [
      fromWire([new PreciseDate(Date.UTC(2024, 5, 1, 11, 59, 59, 999), 417), 32e9, 2e10, 4e9, 3e9, 0, 0, 1, 45.25]),
      fromWire([new PreciseDate(Date.UTC(2024, 5, 1), 0), 2 ** 53 - 1, 0, 1, 1, 1, 1, new Float64(2), -0.5]),
      statsData(arrived), // a plain Date, as in-process senders make them
      [new PreciseDate(0, 1), 1, 2, 3, 4, 5, 6, new Float64(0.5), new Float64(7)], // still wrapped: kept as it came
    ];
    for (const stats of samples) {
      const sample: StatsSample = { at: arrived, stats: stats as SlaveStatsWire };
      const [replayed] = statsSamples(appendStats(EMPTY_STATS_LOG, sample, STATS_KEPT), STATS_KEPT);
      expect(replayed).toEqual(sample);
      expect(Object.getPrototypeOf(replayed!.stats[0])).toBe(Object.getPrototypeOf(sample.stats[0]));
      const wire = (s: StatsSample) => monitorStatsProtocol.encode(slaveStatus(7, s.at, 'STATS', s.stats));
      expect(wire(replayed!).equals(wire(sample))).toBe(true);
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
