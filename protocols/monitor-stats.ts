/** `monitor_stats`: internal status PUSH → master; master PUB → monitors (protocols/README.md §4.12). */
import { defineProtocol } from './protocol.js';
import { bool, datetime, int, literal, noDataMarker, nullable, str, taggedTuple, tuple } from './fields.js';
import { masterHello, masterStats, slaveHello, slaveStats } from './records.js';

const status = <const V extends string, S extends Parameters<typeof tuple>[0][number]>(verb: V, data: S) =>
  tuple([int(), datetime(), literal(verb), data]);

/**
 * `SLAVE [slave_id, timestamp, verb, data]`. 0.18 declares the data `Extra`, but Slave Driver only ever
 * forwards these (spec/behaviours.md 58, 59, 69) and the Python monitor asserts on anything else; spelling them
 * out keeps a forwarded load average a float on the wire and gives monitors typed data.
 */
export const slaveStatus = taggedTuple(2, [
  status('HELLO', slaveHello), // timestamp = first seen
  status('STATS', slaveStats), // every IDLE / BUSY
  status('ACK', tuple([int(), str()])),
  status('SLEEP', bool()),
  status('BUILD', tuple([str(), str()])),
  status('SEND', str()),
  status('DONE', noDataMarker()),
  status('DIE', nullable(noDataMarker())), // NoData after BYE, a protocol error or a kill; null on expiry
]);

/**
 * The largest subscription the status PUB takes from a subscriber (0x01 and the prefix; ZMTP 3.1's
 * SUBSCRIBE command is a few bytes more). Monitors subscribe to everything (an empty prefix); libzmq keeps
 * every subscription in a trie of a node per byte, so a megabyte one would cost the master gigabytes.
 */
export const MAX_SUBSCRIPTION = 256;

export const monitorStatsProtocol = defineProtocol('monitor_stats', {
  recv: {},
  send: {
    HELLO: masterHello,
    STATS: masterStats,
    SLAVE: slaveStatus,
  },
});

/** The monitors' view. */
export const monitorProtocol = monitorStatsProtocol.mirror();
