/**
 * The raw-frame file-transfer sockets (protocols/README.md §6): the File Juggler's ROUTER (HWM 500), which sees
 * `[identity, ...frames]` from each client's DEALER (no empty delimiter), and the client's DEALER (HWM 10),
 * one per transfer. The ROUTER runs on a thread of its own (file-router-worker.ts), where each CHUNK's data
 * stays until the File Juggler has it written. Frames are parsed with protocols/file-transfer.ts; a frame that fails to parse is
 * logged and becomes a `file.invalid` event (the transfer machine decides what it means); nothing a peer
 * sends stops the socket.
 */
import * as zmq from 'zeromq';
import {
  MAX_CLIENT_FRAME,
  MAX_MASTER_FRAME,
  chunkFrames,
  masterFrameText,
  helloFrames,
  parseClientFrames,
  parseMasterFrames,
  type ClientFrame,
  type MasterFrame,
} from '../../protocols/file-transfer.js';
import type { Logger } from '../runtime/logger.js';
import { prepareIpcBind } from '../ipc/checks.js';
import { FaultLog } from './fault-log.js';
import { FileRouterThread, type HeldChunk } from './file-router-worker.js';
import type { PeerId } from './router.js';
import { Outbox, SOCKET_DEFAULTS, ipcPath, receiveLoop, type EventTarget } from './socket.js';

const NO_DATA = Buffer.alloc(0);

/** protocols/README.md §2: the File Juggler's ROUTER high-water mark. */
export const FILE_ROUTER_HWM = 500;
/** CHUNK bytes the ROUTER's thread holds for the File Juggler at most before it stops receiving a while. */
export const MAX_HELD_BYTES = 64 << 20;
/** protocols/README.md §6: the client's DEALER high-water mark. */
export const FILE_DEALER_HWM = 10;

/** A client's frame as the File Juggler gets it: a CHUNK's data stays on the socket's thread until written. */
export type FileRouterFrame = ClientFrame<HeldChunk>;

export type FileRouterEvent =
  | { type: 'file.frame'; peer: PeerId; frame: FileRouterFrame }
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
  const faults = new FaultLog({ log, socket: 'file queue' });
  await prepareIpcBind(opts.address);
  const thread = await FileRouterThread.start({
    address: opts.address,
    options: { ...SOCKET_DEFAULTS, sendHighWaterMark: FILE_ROUTER_HWM, receiveHighWaterMark: FILE_ROUTER_HWM, maxMessageSize: MAX_CLIENT_FRAME },
    // no more waiting on the master than the socket itself would queue
    maxOutstanding: FILE_ROUTER_HWM,
    maxHeldBytes: MAX_HELD_BYTES,
    log,
    onMessage: (peer, frames, chunk) => {
      if (faults.shedding(peer)) return;
      let frame: FileRouterFrame;
      try {
        // the data frame stayed on the socket's thread: parse the rest with an empty stand-in for it
        const parsed = parseClientFrames(chunk === undefined ? frames : [...frames, NO_DATA]);
        frame = parsed.verb === 'CHUNK' && chunk !== undefined ? { ...parsed, data: chunk } : (parsed as FileRouterFrame);
      } catch (err) {
        faults.fault(peer, `file transfer from ${peer}: ${(err as Error).message}`);
        target.send({ type: 'file.invalid', peer, error: err as Error });
        return;
      }
      target.send({ type: 'file.frame', peer, frame });
    },
  });
  const endpoint = ipcPath(opts.address) === undefined ? thread.endpoint : opts.address;
  return {
    endpoint,
    // as strings: a Buffer would be posted to the thread with the whole 8 KiB pool slab it is a view of
    send: async (peer, frame) => thread.send(peer, masterFrameText(frame)),
    fault: (peer, message) => faults.fault(peer, message),
    closed: thread.closed,
    async close() {
      await thread.close();
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
