/**
 * Cloud Gazer's ports over the master's bus: the Oracle through a DbClient (db queue), the Secretary (web
 * queue), the Slave Driver (skip queue) and the Architect (refresh queue). `signal` (the task stopping)
 * ends every wait, so a poll cut short rejects at once instead of talking to tasks that are going away.
 */
import { DbClient } from '../oracle/db-client.js';
import type { Bus } from '../runtime/bus.js';
import { queues } from '../runtime/queues.js';
import type { OraclePort, SkipQueuePort, WebQueuePort } from './ports.js';

export interface GazerBusPorts {
  db: OraclePort;
  web: WebQueuePort;
  skip: SkipQueuePort;
  /** Tells the Architect there are new versions to queue (REFRESH); false if the nudge was dropped. */
  refresh(): boolean;
}

export function gazerBusPorts(bus: Bus, signal: AbortSignal): GazerBusPorts {
  const db = new DbClient(bus, { signal });
  return {
    db: { request: (msg) => db.request(msg) },
    web: {
      async send(msg) {
        await bus.request(queues.web, msg, { signal });
      },
    },
    skip: {
      async send(msg) {
        await bus.request(queues.skip, msg, { signal });
      },
    },
    // A REFRESH already waiting is as good as a second one: the queue holds one, and drops the rest.
    refresh: () => bus.push(queues.refresh, { verb: 'REFRESH' }),
  };
}
