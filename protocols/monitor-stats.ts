/** `monitor_stats`: internal status PUSH → master; master PUB → monitors (protocols.md §4.12). */
import { defineProtocol } from './protocol.js';
import { anything, datetime, int, str, tuple } from './fields.js';
import { masterHello, masterStats } from './records.js';

export const monitorStatsProtocol = defineProtocol('monitor_stats', {
  recv: {},
  send: {
    HELLO: masterHello,
    STATS: masterStats,
    SLAVE: tuple([int(), datetime(), str(), anything()]), // slave_id, timestamp, verb, data
  },
});

/** The monitors' view. */
export const monitorProtocol = monitorStatsProtocol.mirror();
