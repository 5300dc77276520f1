/**
 * The flood: a child process (so its work never shares the measuring process's event loop) that sends the
 * malformed messages of scripts/faults/frames.ts to a master's sockets as fast as they will go, each target
 * over several connections (several hostile peers), and reports how many messages of each kind it handed
 * to each socket.
 *
 * Parent → child (IPC): `{ type: 'start', plan }`; child → parent: `{ type: 'done', sent }` once everything
 * is sent (or could not be, within a send timeout: a master that drops a peer drops what was queued for it).
 */
import * as zmq from 'zeromq';
import { FAULT_KINDS, faultFrames, prng, type FaultKind, type SocketKind } from './frames.js';

export interface FloodTarget {
  /** A name for the report: 'slave', 'file', 'import', 'control', 'log', 'status'. */
  name: string;
  socket: SocketKind;
  address: string;
}

export interface FloodPlan {
  targets: FloodTarget[];
  /** Messages of each kind per target (kinds named in `perKind` override it). */
  count: number;
  perKind?: Partial<Record<FaultKind, number>>;
  /** Connections per target. */
  connections: number;
  seed: number;
}

/** `sent[target][kind]`: messages handed to the socket. */
export type FloodCounts = Record<string, Partial<Record<FaultKind, number>>>;

export type FloodMessage = { type: 'done'; sent: FloodCounts; ms: number };

function open(target: FloodTarget): zmq.Dealer | zmq.Push | zmq.XSubscriber {
  const options = { linger: 0, sendTimeout: 2000, sendHighWaterMark: 1000 };
  const socket = target.socket === 'pull' ? new zmq.Push(options) : target.socket === 'status' ? new zmq.XSubscriber(options) : new zmq.Dealer(options);
  socket.connect(target.address);
  return socket;
}

export async function flood(plan: FloodPlan): Promise<FloodCounts> {
  const sent: FloodCounts = {};
  await Promise.all(
    plan.targets.map(async (target, t) => {
      const counts = (sent[target.name] = {} as Partial<Record<FaultKind, number>>);
      const sockets = Array.from({ length: plan.connections }, () => open(target));
      const random = prng(plan.seed + t);
      // Kinds interleaved, so every kind meets the master in every state of its queues.
      const todo = FAULT_KINDS.flatMap((kind) => Array.from({ length: plan.perKind?.[kind] ?? plan.count }, () => kind));
      for (let i = todo.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [todo[i], todo[j]] = [todo[j]!, todo[i]!];
      }
      try {
        for (const [i, kind] of todo.entries()) {
          try {
            await sockets[i % sockets.length]!.send(faultFrames(target.socket, kind, random));
            counts[kind] = (counts[kind] ?? 0) + 1;
          } catch {
            // Not accepted within the send timeout: the master dropped this peer; the next message goes on.
          }
        }
      } finally {
        for (const socket of sockets) socket.close();
      }
    }),
  );
  return sent;
}

if (process.send !== undefined) {
  process.once('message', (msg: { type: 'start'; plan: FloodPlan }) => {
    const t0 = Date.now();
    void flood(msg.plan).then((sent) => process.send!({ type: 'done', sent, ms: Date.now() - t0 } satisfies FloodMessage, () => process.exit(0)));
  });
}
