/**
 * Every in-process queue of the master, defined once: a name and the protocol spoken on it, written from
 * the binding side (protocols/README.md §2). Senders (request, push) are checked with the mirror; servers'
 * replies and publications with the protocol itself.
 */
import type { Message, Protocol, VerbMap } from '../../protocols/protocol.js';
import { oracleProtocol } from '../../protocols/oracle.js';
import { fileJugglerFsProtocol } from '../../protocols/file-juggler-fs.js';
import { theScribeProtocol, theSecretaryProtocol } from '../../protocols/scribe.js';
import { skipProtocol } from '../../protocols/cloud-gazer.js';
import { buildsQueueProtocol } from '../../protocols/architect.js';
import { refreshProtocol } from '../../protocols/refresh.js';
import { statsProtocol } from '../../protocols/big-brother.js';
import { monitorStatsProtocol } from '../../protocols/monitor-stats.js';
import { masterControlProtocol } from '../../protocols/master-control.js';
import { lumberjackProtocol } from '../../protocols/lumberjack.js';

export interface Queue<R extends VerbMap = VerbMap, S extends VerbMap = VerbMap> {
  readonly name: string;
  /** The binding side's view: it receives `R` and sends `S`. */
  readonly protocol: Protocol<R, S>;
  /** The sender's view (the mirror). */
  readonly client: Protocol<S, R>;
  /** PUSH/PULL: how many messages wait for a listener before `push` drops (zmq's high-water mark). */
  readonly hwm: number;
}

/** What a client sends on the queue (a request or a pushed message). */
export type InOf<Q> = Q extends Queue<infer R, VerbMap> ? Message<R> : never;
/** What the binding side sends back (a reply or a publication). */
export type OutOf<Q> = Q extends Queue<VerbMap, infer S> ? Message<S> : never;

/** zmq's default SNDHWM/RCVHWM. */
export const DEFAULT_HWM = 1000;

export function defineQueue<R extends VerbMap, S extends VerbMap>(
  name: string,
  protocol: Protocol<R, S>,
  opts: { hwm?: number } = {},
): Queue<R, S> {
  return { name, protocol, client: protocol.mirror(), hwm: opts.hwm ?? DEFAULT_HWM };
}

export const queues = {
  /** DbClient → Seraph/Oracles: request/reply. */
  db: defineQueue('db', oracleProtocol),
  /** Slave Driver, Mr Chase → File Juggler: request/reply (EXPECT, VERIFY). */
  fs: defineQueue('fs', fileJugglerFsProtocol),
  /** Cloud Gazer, Slave Driver, Big Brother, Mr Chase → Secretary: request/reply. */
  web: defineQueue('web', theSecretaryProtocol),
  /** Secretary → Scribe: request/reply. */
  scribe: defineQueue('scribe', theScribeProtocol),
  /** Cloud Gazer, Mr Chase → Slave Driver: request/reply (DELVER, DELPKG). */
  skip: defineQueue('skip', skipProtocol),
  /** Architect → Slave Driver: push (QUEUE). */
  builds: defineQueue('builds', buildsQueueProtocol, { hwm: 10 }),
  /** Cloud Gazer → Architect: push (REFRESH: new versions to queue). One waiting is as good as many. */
  refresh: defineQueue('refresh', refreshProtocol, { hwm: 1 }),
  /** Slave Driver, File Juggler, Mr Chase → Big Brother: push. */
  stats: defineQueue('stats', statsProtocol),
  /** Slave Driver, Big Brother → master status: publish (re-published to monitors, behaviour 28). */
  status: defineQueue('status', monitorStatsProtocol),
  /** Monitors (through the control adapter) and tasks → master: push. */
  control: defineQueue('control', masterControlProtocol, { hwm: 10 }),
  /** piw-logger (through the log adapter) → Lumberjack: push. */
  log: defineQueue('log', lumberjackProtocol),
} as const;
