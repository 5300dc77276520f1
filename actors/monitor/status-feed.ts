/**
 * The status queue, as a monitor reads it: a SUB socket subscribed to everything, each frame decoded and
 * validated by the monitors' view of `monitor_stats` (garbage is logged and dropped), and the messages
 * that arrive within one turn of the event loop handed over together, so that a master's replay of
 * hundreds of slaves costs the model one update per burst rather than one per message. The connection
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
}

export function openStatusFeed(opts: StatusFeedOptions): Receiver {
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
        if (pending.push(msg) === 1) setImmediate(flush);
      },
    },
  });
}
