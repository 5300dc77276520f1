import {
  LONG_BUILD_MS,
  foldStatus,
  historySeries,
  initialContext,
  isLongBuild,
  masterSummary,
  slaveAlerts,
  slaveState,
  sortedSlaves,
} from '../../../machines/farm/index.js';
import { NO_DATA } from '../../../protocols/index.js';
import { T0, at, masterHello, masterStats, slave, slaveJoins, wire } from './fixtures.js';

const context = (...batches: Parameters<typeof foldStatus>[2][]) =>
  batches.reduce((c, messages, i) => foldStatus(c, at(i), messages), initialContext(T0));

test('slaves in display order: ABI, then label, then id, numbers as numbers; unknown facts first', () => {
  const c = context([
    ...slaveJoins(1, 0, { abi: 'cp39', label: 'pi-10' }),
    ...slaveJoins(2, 0, { abi: 'cp311', label: 'z' }),
    ...slaveJoins(3, 0, { abi: 'cp39', label: 'pi-9' }),
    ...slaveJoins(4, 0, { abi: 'cp311', label: 'z' }),
    slave.build(5, 0),
  ]);
  expect(sortedSlaves(c).map((s) => s.id)).toEqual([5, 3, 1, 2, 4]);
});

test('display state: activity, killed, timed out (silent past its busy timeout, or expired); long builds', () => {
  const c = context([...slaveJoins(1, 0, { busyTimeoutMs: 60_000 }), slave.build(1, 0), ...slaveJoins(2, 0), slave.die(2, 0), ...slaveJoins(3, 0), slave.expire(3, 0)]);
  const [one, two, three] = [1, 2, 3].map((id) => c.slaves.get(id)!);
  expect(slaveState(one!, at(59))).toBe('building');
  expect(slaveState(one!, at(61))).toBe('timedOut');
  expect(slaveState(two!, at(1))).toBe('killed');
  expect(slaveState(three!, at(1))).toBe('timedOut');
  expect(isLongBuild(one!, at(0) + LONG_BUILD_MS)).toBe(false);
  expect(isLongBuild(one!, at(0) + LONG_BUILD_MS + 1)).toBe(true);
  expect(isLongBuild(two!, at(0) + LONG_BUILD_MS + 1)).toBe(false);
});

test('alerts: quiet for half its busy timeout, short of disk, hot, loaded', () => {
  const hot = wire({ verb: 'SLAVE', data: [1, new Date(at(1)), 'STATS', [new Date(at(1)), 100, 5, 100, 50, 0, 0, 5.5, 80.0]] });
  const c = context([...slaveJoins(1, 0, { busyTimeoutMs: 60_000 }), hot]);
  expect(slaveAlerts(c.slaves.get(1)!, at(2))).toEqual(['disk', 'load', 'temperature']);
  expect(slaveAlerts(c.slaves.get(1)!, at(40))).toEqual(['quiet', 'disk', 'load', 'temperature']);
});

test('master summary: uptime, last heard, queue and builds per hour by ABI, disk', () => {
  const c = context([masterHello(-60)], [masterStats(1, { built: { cp39: 3, cp311: 9 }, pending: { cp311: 40, cp39: 2 }, diskFree: 25, diskSize: 100 })]);
  const m = masterSummary(c, at(11));
  expect(m).toMatchObject({
    uptimeMs: 71_000,
    lastHeardMs: 10_000,
    queue: 42,
    queueByAbi: [['cp311', 40], ['cp39', 2]],
    buildsPerHour: 12,
    diskFreeRatio: 0.25,
    restarts: 0,
  });
  expect(masterSummary(initialContext(T0))).toMatchObject({ uptimeMs: null, queue: null, diskFreeRatio: null, lastHeardMs: null });
});

test('sparkline series: the last sample of each bucket over the hour before the latest, gaps as null', () => {
  let c = initialContext(T0);
  for (const t of [0, 900, 1800, 1810, 3600]) c = foldStatus(c, at(t), [masterStats(t, { pending: { cp311: t } })]);
  expect(historySeries(c, 'queue', 4)).toEqual([null, 900, 1810, 3600]);
  expect(historySeries(c, 'buildsPerHour', 2)).toEqual([12, 12]);
  expect(historySeries(initialContext(T0), 'queue', 3)).toEqual([null, null, null]);
});

test('the NoData marker inside DONE and DIE survives the wire as the model expects', () => {
  const c = context([...slaveJoins(1, 0), wire({ verb: 'SLAVE', data: [1, new Date(at(1)), 'DONE', NO_DATA] })]);
  expect(c.slaves.get(1)!.activity).toBe('cleaning');
});
