/**
 * The status queue, as a monitor reads it: a SUB socket subscribed to everything, each frame decoded and
 * validated by the monitors' view of `monitor_stats` (garbage is logged and dropped), and the messages
 * that arrive within `batchMs` of the first handed over together (default 50 ms: a person cannot tell,
 * and piw-monitor draws at most every 100 ms), so that a master's replay of hundreds of slaves, or 500
 * slaves reporting, costs the model one update per batch rather than one per message. The connection
 * coming and going is reported as it happens.
 */
import { monitorProtocol } from '../../protocols/monitor-stats.js';
import type { StatusMessage } from '../../machines/farm/types.js';
import type { Logger } from '../runtime/logger.js';
import { createSubscriberAdapter, type Receiver } from '../zmq/pull.js';

export interface StatusFeedOptions {
  address: string;
  log: Logger;
  /** Messages received together, in order. */
  onMessages: (messages: StatusMessage[]) => void;
  /** The connection to the master was made (true) or lost (false). */
  onLink: (up: boolean) => void;
  heartbeatMs?: number;
  /** How long messages are gathered before they are handed over (0: within one turn of the event loop). */
  batchMs?: number;
}

export const STATUS_BATCH_MS = 50;

export function openStatusFeed(opts: StatusFeedOptions): Receiver {
  const batchMs = opts.batchMs ?? STATUS_BATCH_MS;
  let pending: StatusMessage[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    opts.onMessages(batch);
  };
  return createSubscriberAdapter({
    protocol: monitorProtocol,
    address: opts.address,
    log: opts.log,
    onLink: opts.onLink,
    ...(opts.heartbeatMs === undefined ? {} : { heartbeatMs: opts.heartbeatMs }),
    target: {
      send: ({ msg }) => {
        if (pending.push(msg) === 1) {
          if (batchMs > 0) setTimeout(flush, batchMs);
          else setImmediate(flush);
        }
      },
    },
  });
}
