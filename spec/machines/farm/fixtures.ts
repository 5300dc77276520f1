/**
 * Status-queue messages for farm-model tests, built as a master sends them and passed through the wire
 * (encoded by the master's view of `monitor_stats`, decoded by the monitor's), so they are exactly what
 * the model gets from the client.
 */
import { NO_DATA, TimeDelta } from '../../../protocols/index.js';
import { monitorProtocol, monitorStatsProtocol } from '../../../protocols/monitor-stats.js';
import type { Message } from '../../../protocols/protocol.js';
import type { MasterStatsWire, SlaveHelloWire, SlaveStatsWire } from '../../../protocols/records.js';
import type { StatusMessage } from '../../../machines/farm/index.js';
import { helloData } from '../support/slave-fixtures.js';

/** 2026-12-07T00:00:00Z: every test's time zero. */
export const T0 = Date.UTC(2026, 11, 7);
export const at = (seconds: number) => T0 + seconds * 1000;
const date = (seconds: number) => new Date(at(seconds));

type Sent = Message<(typeof monitorStatsProtocol)['send']>;

export function wire(msg: Sent): StatusMessage {
  return monitorProtocol.decode(monitorStatsProtocol.encode(msg));
}

export function masterHello(startedSeconds = 0, label = 'master-host'): StatusMessage {
  return wire({ verb: 'HELLO', data: [date(startedSeconds), label, 'Debian GNU/Linux', '12 (bookworm)', 'unknown', 'unknown'] });
}

export interface MasterStatsOptions {
  built?: Record<string, number>;
  pending?: Record<string, number>;
  diskFree?: number;
  diskSize?: number;
}

export function masterStats(seconds: number, opts: MasterStatsOptions = {}): StatusMessage {
  const data: MasterStatsWire = [
    date(seconds), 1000, opts.built ?? { cp311: 12 }, TimeDelta.fromSeconds(7200), 5_000_000, opts.pending ?? { cp311: 40, cp39: 2 },
    3, 1200, 50, 9000, 100_000, opts.diskSize ?? 100_000_000_000, opts.diskFree ?? 60_000_000_000, 8_000_000_000, 4_000_000_000, 0, 0, 0.75, 48.5,
  ];
  return wire({ verb: 'STATS', data });
}

export interface SlaveHelloOptions {
  abi?: string;
  label?: string;
  busyTimeoutMs?: number;
}

export function slaveHelloData(opts: SlaveHelloOptions = {}): SlaveHelloWire {
  const hello = helloData({ ...(opts.abi === undefined ? {} : { abi: opts.abi }), ...(opts.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: opts.busyTimeoutMs }) });
  hello[5] = opts.label ?? hello[5];
  return hello;
}

export function slaveStatsData(seconds: number, overrides: Partial<{ diskFree: number; load: number; temperature: number }> = {}): SlaveStatsWire {
  return [date(seconds), 32_000_000_000, overrides.diskFree ?? 20_000_000_000, 4_000_000_000, 3_000_000_000, 100_000_000, 100_000_000, overrides.load ?? 0.5, overrides.temperature ?? 45.0];
}

/** `SLAVE [id, timestamp, verb, data]` for each verb the master forwards. */
export const slave = {
  hello: (id: number, seconds: number, opts: SlaveHelloOptions = {}) => wire({ verb: 'SLAVE', data: [id, date(seconds), 'HELLO', slaveHelloData(opts)] }),
  stats: (id: number, seconds: number, sampleSeconds = seconds) => wire({ verb: 'SLAVE', data: [id, date(seconds), 'STATS', slaveStatsData(sampleSeconds)] }),
  ack: (id: number, seconds: number) => wire({ verb: 'SLAVE', data: [id, date(seconds), 'ACK', [id, 'https://pypi.org/simple']] }),
  sleep: (id: number, seconds: number, paused: boolean) => wire({ verb: 'SLAVE', data: [id, date(seconds), 'SLEEP', paused] }),
  build: (id: number, seconds: number, pkg = 'numpy', version = '1.14.0') => wire({ verb: 'SLAVE', data: [id, date(seconds), 'BUILD', [pkg, version]] }),
  send: (id: number, seconds: number, file = 'numpy-1.14.0-cp311-cp311-linux_armv7l.whl') => wire({ verb: 'SLAVE', data: [id, date(seconds), 'SEND', file] }),
  done: (id: number, seconds: number) => wire({ verb: 'SLAVE', data: [id, date(seconds), 'DONE', NO_DATA] }),
  die: (id: number, seconds: number) => wire({ verb: 'SLAVE', data: [id, date(seconds), 'DIE', NO_DATA] }),
  expire: (id: number, seconds: number) => wire({ verb: 'SLAVE', data: [id, date(seconds), 'DIE', null] }),
};

/** A slave as a master introduces it: HELLO, one sample, ACK. */
export function slaveJoins(id: number, seconds: number, opts: SlaveHelloOptions = {}): StatusMessage[] {
  return [slave.hello(id, seconds, opts), slave.ack(id, seconds)];
}
