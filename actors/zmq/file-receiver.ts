/**
 * The master's end of file transfers as an actor-level piece (protocols.md §6): one file-transfer ROUTER,
 * one master-transfer machine per expected file, each writing into a pre-sized temp file. `expect` is the
 * fs queue's EXPECT, `verify` its VERIFY: it waits for the transfer's verdict (size and SHA-256 of what
 * landed on disk), then moves the file into place atomically — fsync, chmod 0644, rename within the same
 * filesystem — so a reader never sees a half-written wheel. A failed or superseded transfer's temp file is
 * removed.
 *
 * Frames are routed by the sender's identity: HELLO binds an identity to the pending transfer of that
 * slave id; CHUNK from an identity no transfer knows is a stale packet and ignored (behaviour 79); HELLO
 * with no pending EXPECT is logged, with no reply.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createActor, fromPromise, toPromise, type Actor } from 'xstate';
import type { FileStateWire } from '../../protocols/records.js';
import {
  clientFrameEvent,
  masterTransferMachine,
  type MasterTransferOutput,
  type VerifyInput,
  type VerifyOutput,
} from '../../machines/file-transfer/index.js';
import type { Logger } from '../runtime/logger.js';
import { createFileRouter, type FileRouter, type FileRouterEvent } from './file-transfer.js';
import { logEntry } from './machine-log.js';
import type { PeerId } from './router.js';

export interface FileReceiverOptions {
  /** Where the file queue binds (`tcp://*:5556`). */
  address: string;
  /** Temp files are made here: keep it on the destination's filesystem so the final rename is atomic. */
  tempDir: string;
  log: Logger;
  /** How long a client may stay silent (default: the machine's 5 minutes). */
  silenceTimeoutMs?: number;
  /** Bytes asked for per FETCH (default `DEFAULT_CHUNK_SIZE`). */
  chunkSize?: number;
}

/**
 * 0.18 asks for 65536 bytes per FETCH, but its clients (and ours) send whatever length a FETCH names. Per
 * message, ZeroMQ and the two machines cost far more than the bytes do, so the master asks for 1 MiB: about
 * three times the throughput of 64 KiB chunks on loopback (scripts/bench/file-transfer.ts), for at most
 * 10 MiB in flight per transfer (the credit is 10 chunks).
 */
export const DEFAULT_CHUNK_SIZE = 2 ** 20;

/** What `verify` reports. */
export type VerifyResult = { ok: true; path: string } | { ok: false; error: Error };

interface Transfer {
  slaveId: number;
  file: FileStateWire;
  tempPath: string;
  handle: FileHandle;
  actor: Actor<typeof masterTransferMachine>;
  peer: PeerId | undefined;
  /** Writes not yet in the file (the machine's writeChunk is fire-and-forget). */
  writes: Set<Promise<unknown>>;
  writeError: unknown;
  /** SHA-256 of the bytes written so far while they arrive in order; null once a chunk came out of order. */
  hash: Hash | null;
  hashed: number;
  /** Bytes written since the last flush was started, and the flush in progress. */
  unflushed: number;
  flushing: Promise<void> | undefined;
  outcome: Promise<MasterTransferOutput>;
}

/** Start flushing a transfer's temp file to disk in the background after this many new bytes. */
const FLUSH_EVERY = 32 * 2 ** 20;

export class FileReceiver {
  private readonly bySlave = new Map<number, Transfer>();
  private readonly byPeer = new Map<PeerId, Transfer>();
  private router!: FileRouter;

  private constructor(private readonly opts: FileReceiverOptions) {}

  static async create(opts: FileReceiverOptions): Promise<FileReceiver> {
    const receiver = new FileReceiver(opts);
    receiver.router = await createFileRouter({ address: opts.address, log: opts.log, target: { send: (e) => receiver.route(e) } });
    return receiver;
  }

  /** The endpoint the file queue is bound to. */
  get endpoint(): string {
    return this.router.endpoint;
  }

  /** EXPECT: get ready for `file` from `slaveId`; an earlier unverified transfer of that slave is dropped. */
  async expect(slaveId: number, file: FileStateWire): Promise<void> {
    await this.discard(slaveId);
    const [filename, filesize] = file;
    const tempPath = join(this.opts.tempDir, `.${filename}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(tempPath, 'wx+', 0o600);
    try {
      await handle.truncate(filesize);
    } catch (err) {
      await handle.close();
      await rm(tempPath, { force: true });
      throw err;
    }
    const transfer = {
      slaveId,
      file,
      tempPath,
      handle,
      peer: undefined,
      writes: new Set(),
      writeError: undefined,
      hash: createHash('sha256'),
      hashed: 0,
      unflushed: 0,
      flushing: undefined,
    } as unknown as Transfer;
    const machine = masterTransferMachine.provide({
      actions: {
        sendFrames: (_, frames) => {
          const peer = transfer.peer!;
          for (const frame of frames) {
            this.router.send(peer, frame).catch((err: unknown) => this.opts.log.error(`file transfer to ${peer}: send failed`, err));
          }
        },
        writeChunk: (_, { offset, data }) => {
          hashInOrder(transfer, offset, data);
          const write = handle.write(data, 0, data.length, offset).then(
            () => {
              transfer.writes.delete(write);
              flushInBackground(transfer, data.length);
            },
            (err: unknown) => {
              transfer.writes.delete(write);
              transfer.writeError ??= err;
              transfer.actor.send({ type: 'WRITE_FAILED', error: err });
            },
          );
          transfer.writes.add(write);
        },
        log: (_, entry) => logEntry(this.opts.log, entry),
      },
      actors: { verify: verifyOnDisk(transfer) },
      ...(this.opts.silenceTimeoutMs === undefined ? {} : { delays: { silenceTimeout: this.opts.silenceTimeoutMs } }),
    });
    transfer.actor = createActor(machine, { input: { slaveId, file, chunkSize: this.opts.chunkSize ?? DEFAULT_CHUNK_SIZE } });
    transfer.outcome = toPromise(transfer.actor).finally(() => {
      if (transfer.peer !== undefined && this.byPeer.get(transfer.peer) === transfer) this.byPeer.delete(transfer.peer);
    });
    transfer.outcome.catch(() => {});
    this.bySlave.set(slaveId, transfer);
    transfer.actor.start();
  }

  /**
   * VERIFY: waits for the transfer from `slaveId` to end; if the file is whole and its hash matches, moves
   * it to `destination` (directories made as needed) and reports its path. Either way the transfer is over.
   */
  async verify(slaveId: number, destination: string): Promise<VerifyResult> {
    const transfer = this.bySlave.get(slaveId);
    if (transfer === undefined) return { ok: false, error: new Error(`no transfer from slave ${slaveId}`) };
    try {
      const outcome = await transfer.outcome;
      if (outcome.status === 'failed') return { ok: false, error: outcome.error };
      await transfer.handle.chmod(0o644);
      await transfer.handle.close();
      await mkdir(dirname(destination), { recursive: true });
      await rename(transfer.tempPath, destination);
      return { ok: true, path: destination };
    } catch (err) {
      return { ok: false, error: err as Error };
    } finally {
      if (this.bySlave.get(slaveId) === transfer) this.bySlave.delete(slaveId);
      await transfer.handle.close().catch(() => {});
      await rm(transfer.tempPath, { force: true });
    }
  }

  async close(): Promise<void> {
    await this.router.close();
    await Promise.all([...this.bySlave.keys()].map((id) => this.discard(id)));
  }

  private async discard(slaveId: number): Promise<void> {
    const transfer = this.bySlave.get(slaveId);
    if (transfer === undefined) return;
    this.bySlave.delete(slaveId);
    if (transfer.peer !== undefined) this.byPeer.delete(transfer.peer);
    transfer.actor.stop();
    await Promise.allSettled(transfer.writes);
    await transfer.handle.close().catch(() => {});
    await rm(transfer.tempPath, { force: true });
  }

  private route(event: FileRouterEvent): void {
    const known = this.byPeer.get(event.peer);
    if (known !== undefined) {
      known.actor.send(event.type === 'file.frame' ? clientFrameEvent(event.frame) : { type: 'INVALID', error: event.error });
      return;
    }
    if (event.type === 'file.invalid') return; // logged by the adapter; nobody to tell
    const { frame } = event;
    if (frame.verb === 'CHUNK') return; // a stale packet of a transfer that has ended (behaviour 79)
    const transfer = this.bySlave.get(frame.slaveId);
    if (transfer === undefined || transfer.peer !== undefined) {
      this.opts.log.error(`file transfer: HELLO from slave ${frame.slaveId} with no transfer expected`);
      return;
    }
    transfer.peer = event.peer;
    this.byPeer.set(event.peer, transfer);
    transfer.actor.send(clientFrameEvent(frame));
  }
}

/**
 * Chunks nearly always arrive in order: hashing them as they come saves reading the whole file back. The
 * hash covers exactly the bytes handed to the file; one chunk out of order and verify reads the file back.
 */
function hashInOrder(transfer: Transfer, offset: number, data: Uint8Array): void {
  if (transfer.hash === null) return;
  if (offset > transfer.hashed) {
    transfer.hash = null;
    return;
  }
  const fresh = transfer.hashed - offset;
  if (fresh >= data.length) return;
  transfer.hash.update(fresh === 0 ? data : data.subarray(fresh));
  transfer.hashed = offset + data.length;
}

/** Lets the kernel write a big file out while it arrives, so the final fsync has little left to do. */
function flushInBackground(transfer: Transfer, bytes: number): void {
  transfer.unflushed += bytes;
  if (transfer.unflushed < FLUSH_EVERY || transfer.flushing !== undefined) return;
  transfer.unflushed = 0;
  transfer.flushing = transfer.handle
    .datasync()
    .catch(() => {}) // the final sync reports any failure
    .finally(() => (transfer.flushing = undefined));
}

/**
 * The machine's `verify` actor: once every write has landed, flush the file to disk (an fsync before the
 * rename, so a crash never leaves a renamed but empty wheel) and report its size and SHA-256.
 */
function verifyOnDisk(transfer: Transfer) {
  return fromPromise<VerifyOutput, VerifyInput>(async () => {
    while (transfer.writes.size > 0) await Promise.allSettled(transfer.writes);
    if (transfer.writeError !== undefined) throw transfer.writeError;
    await transfer.flushing;
    await transfer.handle.sync();
    const { size } = await transfer.handle.stat();
    if (transfer.hash !== null && transfer.hashed === size) return { size, sha256: transfer.hash.digest('hex') };
    return hashFile(transfer.handle);
  });
}

/** Size and SHA-256 of an open file, read in 1 MiB blocks. */
export async function hashFile(handle: FileHandle): Promise<VerifyOutput> {
  const hash = createHash('sha256');
  const block = Buffer.allocUnsafe(1 << 20);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(block, 0, block.length, position);
    if (bytesRead === 0) break;
    hash.update(block.subarray(0, bytesRead));
    position += bytesRead;
  }
  return { size: position, sha256: hash.digest('hex') };
}
