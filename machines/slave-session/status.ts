/** Status messages for monitors about one slave (protocols/README.md §4.12, §5). */
import { NO_DATA } from '../../protocols/index.js';
import { STATS_KEPT, statsSamples } from './stats-log.js';
import type { ReportedReply, SlaveSessionContext, SlaveStatus } from './types.js';

type StatusData = SlaveStatus['data'];
export type StatusVerb = StatusData[2];
/** The data a status message of this verb carries. */
export type StatusPayload<V extends StatusVerb> = Extract<StatusData, [number, Date, V, unknown]>[3];

/** `SLAVE [slave_id, timestamp, verb, data]`. */
export function slaveStatus<V extends StatusVerb>(slaveId: number, at: Date, verb: V, data: StatusPayload<V>): SlaveStatus {
  return { verb: 'SLAVE', data: [slaveId, at, verb, data] as StatusData };
}

/** The status for a reply: a no-data reply (DONE, DIE) carries the NoData marker (tag 2002). */
export function replyStatus(slaveId: number, at: Date, reply: ReportedReply): SlaveStatus {
  return slaveStatus(slaveId, at, reply.verb, (reply.data === undefined ? NO_DATA : reply.data) as StatusPayload<typeof reply.verb>);
}

/**
 * What a monitor needs to show this slave, in 0.18's order (§5): HELLO at first-seen, every kept stats
 * sample at the time it arrived, then the last reply at last-seen. Empty before HELLO.
 */
export function replayStatus(context: SlaveSessionContext): SlaveStatus[] {
  const { slaveId, hello, firstSeen, lastSeen, lastReply } = context;
  if (hello === null || firstSeen === null || lastSeen === null) return [];
  const out = [slaveStatus(slaveId, firstSeen, 'HELLO', hello)];
  for (const sample of statsSamples(context.stats, STATS_KEPT)) out.push(slaveStatus(slaveId, sample.at, 'STATS', sample.stats));
  if (lastReply !== null) out.push(replyStatus(slaveId, lastSeen, lastReply));
  return out;
}
