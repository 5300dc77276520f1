/**
 * The raw-frame file-transfer sockets (protocols/README.md §6): the File Juggler's ROUTER (HWM 500), which sees
 * `[identity, ...frames]` from each client's DEALER (no empty delimiter), and the client's DEALER (HWM 10),
 * one per transfer. Frames are parsed with protocols/file-transfer.ts; a frame that fails to parse is
 * logged and becomes a `file.invalid` event (the transfer machine decides what it means); nothing a peer
 * sends stops the socket.
 */
import * as zmq from 'zeromq';
import {
  MAX_CLIENT_FRAME,
  MAX_MASTER_FRAME,
  chunkFrames,
  formatMasterFrames,
  helloFrames,
  parseClientFrames,
  parseMasterFrames,
  type ClientFrame,
  type MasterFrame,
} from '../../protocols/file-transfer.js';
import type { Logger } from '../runtime/logger.js';
import { FaultLog } from './fault-log.js';
import type { PeerId } from './router.js';
import { Outbox, SOCKET_DEFAULTS, bindSocket, receiveLoop, type EventTarget } from './socket.js';

/** protocols/README.md §2: the File Juggler's ROUTER high-water mark. */
export const FILE_ROUTER_HWM = 500;
/** protocols/README.md §6: the client's DEALER high-water mark. */
export const FILE_DEALER_HWM = 10;

export type FileRouterEvent =
  | { type: 'file.frame'; peer: PeerId; frame: ClientFrame }
  | { type: 'file.invalid'; peer: PeerId; error: Error };

export interface FileRouter {
  readonly endpoint: string;
  /** Sends FETCH or DONE to one client. */
  send(peer: PeerId, frame: MasterFrame): Promise<void>;
  /** Counts (and, within limits, logs) a fault of `peer` the owner found; it counts towards shedding. */
  fault(peer: PeerId, message: string): void;
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export async function createFileRouter(opts: { address: string; target: EventTarget<FileRouterEvent>; log: Logger }): Promise<FileRouter> {
  const { target, log } = opts;
  const socket = new zmq.Router({
    ...SOCKET_DEFAULTS,
    sendHighWaterMark: FILE_ROUTER_HWM,
    receiveHighWaterMark: FILE_ROUTER_HWM,
    maxMessageSize: MAX_CLIENT_FRAME,
  });
  const endpoint = await bindSocket(socket, opts.address);
  const outbox = new Outbox(socket);
  const faults = new FaultLog({ log, socket: 'file queue' });
  // Identities come back on every chunk: keep the hex of the few live ones instead of re-encoding each time.
  const peers = new Map<string, PeerId>();
  const loop = receiveLoop(socket, log, (frames) => {
    const identity = frames[0]!;
    const raw = identity.toString('latin1');
    let peer = peers.get(raw);
    if (peer === undefined) {
      peer = identity.toString('hex');
      if (peers.size > 10_000) peers.clear();
      peers.set(raw, peer);
    }
    if (faults.shedding(peer)) return;
    let frame: ClientFrame;
    try {
      frame = parseClientFrames(frames.slice(1));
    } catch (err) {
      faults.fault(peer, `file transfer from ${peer}: ${(err as Error).message}`);
      target.send({ type: 'file.invalid', peer, error: err as Error });
      return;
    }
    target.send({ type: 'file.frame', peer, frame });
  });
  return {
    endpoint,
    send: (peer, frame) => outbox.send([Buffer.from(peer, 'hex'), ...formatMasterFrames(frame)]),
    fault: (peer, message) => faults.fault(peer, message),
    closed: loop,
    async close() {
      socket.close();
      await loop;
      faults.close();
    },
  };
}

export type FileDealerEvent =
  /** `offsetFrame` is the FETCH's offset frame as received, to echo in the CHUNK. */
  | { type: 'file.frame'; frame: MasterFrame; offsetFrame?: Buffer }
  | { type: 'file.invalid'; error: Error };

export interface FileDealer {
  hello(slaveId: number): Promise<void>;
  chunk(offsetFrame: Uint8Array, data: Uint8Array): Promise<void>;
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** A fresh DEALER for one transfer, connected to the master's file queue. */
export function createFileDealer(opts: { address: string; target: EventTarget<FileDealerEvent>; log: Logger }): FileDealer {
  const { target, log } = opts;
  const socket = new zmq.Dealer({
    ...SOCKET_DEFAULTS,
    sendHighWaterMark: FILE_DEALER_HWM,
    receiveHighWaterMark: FILE_DEALER_HWM,
    maxMessageSize: MAX_MASTER_FRAME,
  });
  socket.connect(opts.address);
  const outbox = new Outbox(socket);
  const loop = receiveLoop(socket, log, (frames) => {
    let frame: MasterFrame;
    try {
      frame = parseMasterFrames(frames);
    } catch (err) {
      log.error(`file transfer to ${opts.address}: ${(err as Error).message}`);
      target.send({ type: 'file.invalid', error: err as Error });
      return;
    }
    target.send(frame.verb === 'FETCH' ? { type: 'file.frame', frame, offsetFrame: frames[1]! } : { type: 'file.frame', frame });
  });
  return {
    hello: (slaveId) => outbox.send(helloFrames(slaveId)),
    chunk: (offsetFrame, data) => outbox.send(chunkFrames(offsetFrame as Buffer, data as Buffer)),
    closed: loop,
    async close() {
      socket.close();
      await loop;
    },
  };
}
