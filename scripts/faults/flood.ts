/**
 * The flood: a child process (so its work never shares the measuring process's event loop) that sends the
 * malformed messages of scripts/faults/frames.ts to a master's sockets as fast as they will go, each target
 * over several connections (several hostile peers), and reports how many messages of each kind it handed
 * to each socket. Subscriptions go to the status PUB over raw ZMTP (zmtp.ts).
 *
 * Parent → child (IPC): `{ type: 'start', plan }`; child → parent: `{ type: 'done', sent }` once everything
 * is sent (or could not be, within a send timeout: a master that drops a peer drops what was queued for it).
 */
import * as zmq from 'zeromq';
import { FAULT_KINDS, faultFrames, prng, type FaultKind, type SocketKind } from './frames.js';
import { RawZmtpPeer } from './zmtp.js';

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

interface Sender {
  send(frames: Buffer[]): Promise<boolean>;
  close(): void;
}

function open(target: FloodTarget): Sender {
  if (target.socket === 'status') return rawSubscriber(target.address);
  const options = { linger: 0, sendTimeout: 2000, sendHighWaterMark: 1000 };
  const socket = target.socket === 'pull' ? new zmq.Push(options) : new zmq.Dealer(options);
  socket.connect(target.address);
  return {
    // Not accepted within the send timeout: the master dropped this peer; the next message goes on.
    send: (frames) => socket.send(frames).then(() => true, () => false),
    close: () => socket.close(),
  };
}

/** A subscriber that writes its subscriptions raw (zmtp.ts), and connects again when the master drops it. */
function rawSubscriber(address: string): Sender {
  let peer: Promise<RawZmtpPeer | undefined> | undefined;
  const connected = () => (peer ??= RawZmtpPeer.connect(address, 'SUB').catch(() => undefined));
  return {
    async send([frame]) {
      for (let attempt = 0; attempt < 2; attempt++) {
        const p = await connected();
        if (p !== undefined && !p.closed) return p.send(frame!);
        peer = undefined; // refused, or dropped by the master: connect again
      }
      return false;
    },
    close: () => void peer?.then((p) => p?.close()),
  };
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
          if (await sockets[i % sockets.length]!.send(faultFrames(target.socket, kind, random))) counts[kind] = (counts[kind] ?? 0) + 1;
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
