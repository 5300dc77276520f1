/**
 * The File Juggler's ROUTER socket, run on a worker thread of its own, with the bytes of every CHUNK kept
 * there and written to disk from there (issue 15).
 *
 * Why a thread: zeromq.js hands each received frame over as a Buffer on ZeroMQ's own memory, which V8
 * counts as external memory and frees only when a garbage collection finds the Buffer dead. A file
 * arriving at hundreds of MiB/s made the master's heap run a full mark-compact every few chunks (a quarter
 * of its CPU per MiB, stalling every other task). On this thread the heap is a few MiB, so those
 * collections cost next to nothing, and the bytes never cross into the master's heap at all.
 *
 * The master's thread still decides everything: it gets each message's small frames, the CHUNK data as a
 * `HeldChunk` (its length and an id), and the transfer's machine says what to write where
 * (`HeldChunk.writeTo`). The thread hands over what one turn of its event loop received in one
 * postMessage, with the acknowledgements of the writes it did in that turn; every order the master gives
 * while handling those messages (writes, sends) goes back in one postMessage together with the release of
 * their chunks, so a chunk lives on this thread only until the master has handled it, and the writes it
 * asked for happen first. Writes are positional and synchronous here (no trip to the thread pool, no
 * copy), in the order asked, each acknowledged back.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ChunkBytes } from '../../protocols/file-transfer.js';
import type { Logger } from '../runtime/logger.js';
import { zmqErrors } from './errors.js';
import type { PeerId } from './router.js';

/** The thread's code: plain JavaScript, so it runs the same under tsx, jest and the built `dist/`. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const zmq = require(workerData.zeromq);
const socket = new zmq.Router(workerData.options);
const held = new Map();
let nextId = 1;
// Messages passed on and not yet handled by the master, and the bytes held for them: past either limit
// the thread stops receiving, so ZeroMQ's high-water mark and TCP hold the senders back as they would
// were the master reading the socket itself.
let outstanding = 0;
let heldBytes = 0;
let resume;
const busy = () => outstanding >= workerData.maxOutstanding || heldBytes >= workerData.maxHeldBytes;
const peers = new Map();
const CHUNK = Buffer.from('CHUNK');
const describe = (err) => ({ message: (err && err.message) || String(err), code: err && err.code });

// What goes to the master is gathered and posted once per turn of this thread's event loop (the
// messages received in it and the acknowledgements of the writes done in it): a postMessage and its
// handling on the master's side cost more than a CHUNK's whole machine step, and with a pipeline of
// FETCHes several CHUNKs are waiting at a time.
let batch = [];
let acks = [];
let flushQueued = false;
function post() {
  flushQueued = false;
  if (batch.length === 0 && acks.length === 0) return;
  parentPort.postMessage({ type: 'batch', messages: batch, acks });
  batch = [];
  acks = [];
}
function queuePost() {
  if (flushQueued) return;
  flushQueued = true;
  setImmediate(post);
}

// one send at a time (zeromq.js refuses a second while one is pending), in order
let sending = Promise.resolve();
function send(frames) {
  frames[0] = Buffer.from(frames[0], 'hex');
  sending = sending.then(() => socket.send(frames)).catch((err) => {
    if (!socket.closed) parentPort.postMessage({ type: 'sendFailed', error: describe(err) });
  });
}
function writeAll(fd, data, position) {
  for (let done = 0; done < data.length; ) {
    const n = writeSync(fd, data, done, data.length - done, position + done);
    // a short write to a regular file means the disk is (nearly) full
    if (n === 0) throw Object.assign(new Error('no space left to write'), { code: 'ENOSPC' });
    done += n;
  }
}

parentPort.on('message', (m) => {
  if (m.sends !== undefined) for (const frames of m.sends) send(frames);
  if (m.writes !== undefined) {
    for (const [tag, id, fd, position, start, end] of m.writes) {
      const data = held.get(id);
      try {
        if (data === undefined) throw Object.assign(new Error("the file queue's thread was asked to write a chunk after its release"), { code: 'PIW_ERR_ZMQ_THREAD' });
        writeAll(fd, data.subarray(start, end), position);
        acks.push([tag]);
      } catch (err) {
        acks.push([tag, describe(err)]);
      }
    }
    queuePost();
  }
  if (m.release !== undefined) {
    for (const id of m.release) {
      heldBytes -= held.get(id)?.length ?? 0;
      held.delete(id);
    }
  }
  if (m.handled !== undefined) outstanding -= m.handled;
  if (resume !== undefined && !busy()) {
    resume();
    resume = undefined;
  }
  if (m.close === true) {
    socket.close();
    resume?.();
  }
});

async function receive() {
  let handled = 0;
  while (!socket.closed) {
    if (busy()) await new Promise((resolve) => (resume = resolve));
    if (socket.closed) break;
    const frames = await socket.receive();
    const identity = frames.shift();
    const raw = identity.toString('latin1');
    let peer = peers.get(raw);
    if (peer === undefined) {
      peer = identity.toString('hex');
      if (peers.size > 10000) peers.clear();
      peers.set(raw, peer);
    }
    outstanding++;
    // The small frames cross as latin1 strings, which keep every byte: a Buffer would arrive as an
    // ArrayBuffer of its own, allocated outside the master's heap and tracked by its collector.
    if (frames.length === 3 && frames[0].equals(CHUNK)) {
      const id = nextId++;
      const data = frames[2];
      held.set(id, data);
      heldBytes += data.length;
      batch.push({ peer, frames: [frames[0].toString('latin1'), frames[1].toString('latin1')], chunk: [id, data.length] });
    } else {
      batch.push({ peer, frames: frames.map((frame) => frame.toString('latin1')) });
    }
    queuePost();
    // let the master's orders in: received messages come without a turn of the event loop in between
    if (++handled % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

socket.bind(workerData.address).then(
  () => {
    parentPort.postMessage({ type: 'bound', endpoint: socket.lastEndpoint });
    return receive();
  },
  (err) => {
    parentPort.postMessage({ type: 'bindFailed', error: describe(err) });
    socket.close();
  },
).catch((err) => {
  // closing the socket fails a receive already waiting: that means "done"
  post();
  if (!socket.closed) parentPort.postMessage({ type: 'failed', error: describe(err) });
}).finally(() => {
  // what this turn received and wrote still reaches the master (its writes' acknowledgements above all)
  post();
  held.clear();
  parentPort.close();
});
`;

type WireError = { message: string; code?: string };
type FromWorker =
  | { type: 'bound'; endpoint: string }
  | { type: 'bindFailed' | 'failed' | 'sendFailed'; error: WireError }
  | { type: 'batch'; messages: Received[]; acks: [number, WireError?][] };

/** One message as the thread passes it on: the frames after the identity, a CHUNK's data held back. */
interface Received {
  peer: PeerId;
  /** Each frame's bytes as a latin1 string. */
  frames: string[];
  chunk?: [number, number];
}

const toError = (e: WireError) => Object.assign(new Error(e.message), e.code === undefined ? {} : { code: e.code });

/** Called when a write ends: with the error if it failed. */
export type WriteDone = (err: Error | undefined) => void;

/**
 * The bytes `[start, end)` of a CHUNK's data, which stay on the socket's thread. Valid only while the
 * master handles the message it came with: `writeTo` must be called then, never later.
 */
export class HeldChunk implements ChunkBytes {
  readonly #owner: FileRouterThread;

  constructor(
    owner: FileRouterThread,
    readonly id: number,
    readonly start: number,
    readonly end: number,
  ) {
    this.#owner = owner;
  }

  get length(): number {
    return this.end - this.start;
  }

  /** The bytes `[start, end)` of these, clamped as Uint8Array.subarray clamps (no negative indices). */
  subarray(start = 0, end = this.length): HeldChunk {
    const from = Math.min(Math.max(start, 0), this.length);
    const to = Math.min(Math.max(end, from), this.length);
    return new HeldChunk(this.#owner, this.id, this.start + from, this.start + to);
  }

  /** Writes these bytes at `position` of the open file `fd`; `done` hears how it went. */
  writeTo(fd: number, position: number, done: WriteDone): void {
    this.#owner.write(this, fd, position, done);
  }
}

export interface FileRouterThreadOptions {
  address: string;
  /** Messages passed on and not yet handled after which the thread stops receiving for a while. */
  maxOutstanding: number;
  /** The same for the CHUNK bytes it holds. */
  maxHeldBytes: number;
  /** zeromq.js Router options. */
  options: Record<string, unknown>;
  log: Logger;
  /** One received message: its frames after the identity, the CHUNK's data frame held back as `chunk`. */
  onMessage: (peer: PeerId, frames: Buffer[], chunk: HeldChunk | undefined) => void;
}

const ZEROMQ = createRequire(import.meta.url).resolve('zeromq');

/** The master's side of the socket's thread. */
export class FileRouterThread {
  readonly endpoint: string;
  /** Resolves once the thread has ended (its socket closed, or it failed). */
  readonly closed: Promise<void>;
  readonly #worker: Worker;
  readonly #log: Logger;
  #out: { sends: (string | Uint8Array)[][]; writes: number[][]; release: number[]; handled: number } = { sends: [], writes: [], release: [], handled: 0 };
  #flushQueued = false;
  #nextTag = 1;
  readonly #writing = new Map<number, WriteDone>();
  #ended = false;

  private constructor(worker: Worker, endpoint: string, opts: FileRouterThreadOptions, closed: Promise<void>) {
    this.#worker = worker;
    this.endpoint = endpoint;
    this.#log = opts.log;
    this.#onMessage = opts.onMessage;
    this.closed = closed;
  }

  /** Starts the thread and binds its socket; rejects with the bind's error. */
  static async start(opts: FileRouterThreadOptions): Promise<FileRouterThread> {
    const { address, options, maxOutstanding, maxHeldBytes } = opts;
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { zeromq: ZEROMQ, address, options, maxOutstanding, maxHeldBytes } });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    let thread: FileRouterThread | undefined;
    // messages that come between 'bound' and the thread object's existence wait here
    const early: FromWorker[] = [];
    const endpoint = await new Promise<string>((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (thread !== undefined) thread.#received(m);
        else if (m.type === 'bound') resolve(m.endpoint);
        else if (m.type === 'bindFailed') reject(toError(m.error));
        else early.push(m);
      });
      worker.once('error', reject);
      void exited.then(() => reject(zmqErrors.threadEnded('exited before binding')));
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    thread = new FileRouterThread(worker, endpoint, opts, exited);
    worker.on('error', (err) => opts.log.error(`file queue thread failed: ${err.message}`, err));
    void exited.then(() => thread.#end());
    for (const m of early) thread.#received(m);
    return thread;
  }

  readonly #onMessage: FileRouterThreadOptions['onMessage'];

  /** Sends one message; `frames[0]` is the peer's identity (hex). */
  send(peer: PeerId, frames: (string | Uint8Array)[]): void {
    if (this.#ended) throw zmqErrors.closed(this.endpoint);
    this.#out.sends.push([peer, ...frames]);
    this.#queueFlush();
  }

  write(chunk: HeldChunk, fd: number, position: number, done: WriteDone): void {
    if (this.#ended) return done(zmqErrors.closed(this.endpoint));
    const tag = this.#nextTag++;
    this.#writing.set(tag, done);
    this.#out.writes.push([tag, chunk.id, fd, position, chunk.start, chunk.end]);
    this.#queueFlush();
  }

  /** Closes the socket; resolves once the thread has ended. */
  async close(): Promise<void> {
    if (!this.#ended) {
      this.#flush();
      this.#worker.postMessage({ close: true });
    }
    await this.closed;
  }

  #received(m: FromWorker): void {
    switch (m.type) {
      case 'batch':
        // the writes acknowledged were ordered before these messages were handed over
        for (const [tag, error] of m.acks) {
          const done = this.#writing.get(tag);
          this.#writing.delete(tag);
          done?.(error === undefined ? undefined : toError(error));
        }
        for (const message of m.messages) this.#handle(message);
        // what the handling asked for goes first, then the chunks are let go, all in one message
        this.#flush();
        return;
      case 'sendFailed':
        this.#log.error(`file queue: send failed: ${m.error.message}`);
        return;
      case 'failed':
        this.#log.error(`file queue: receive failed: ${m.error.message}`);
        return;
    }
  }

  #handle(m: Received): void {
    const frames = m.frames.map((f) => Buffer.from(f, 'latin1'));
    const chunk = m.chunk === undefined ? undefined : new HeldChunk(this, m.chunk[0], 0, m.chunk[1]);
    try {
      this.#onMessage(m.peer, frames, chunk);
    } catch (err) {
      this.#log.error(`failed to handle a message: ${err instanceof Error ? err.message : String(err)}`, err);
    } finally {
      if (chunk !== undefined) this.#out.release.push(chunk.id);
      this.#out.handled++;
    }
  }

  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#flushQueued = false;
    const out = this.#out;
    if (out.sends.length + out.writes.length + out.release.length + out.handled === 0 || this.#ended) return;
    this.#out = { sends: [], writes: [], release: [], handled: 0 };
    this.#worker.postMessage({
      ...(out.sends.length > 0 ? { sends: out.sends } : {}),
      ...(out.writes.length > 0 ? { writes: out.writes } : {}),
      ...(out.release.length > 0 ? { release: out.release } : {}),
      ...(out.handled > 0 ? { handled: out.handled } : {}),
    });
  }

  /** The thread has gone: writes still waiting fail, so nobody waits for them for ever. */
  #end(): void {
    this.#ended = true;
    const gone = zmqErrors.threadEnded('has ended');
    for (const done of this.#writing.values()) done(gone);
    this.#writing.clear();
  }
}
