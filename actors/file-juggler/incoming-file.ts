/**
 * One file on its way in: a temp file in `<output>/simple/` (so the final rename stays on one file
 * system), created exclusively with mode 0600 and pre-sized to the expected length, then written at the
 * offsets the chunks name with positional writes (write-queue.ts). Nothing is fsynced per chunk.
 *
 * The hot path is built around the common case, chunks arriving in order:
 * - each in-order chunk is copied into a 1 MiB staging buffer (at most two per file, from a pool the
 *   juggler's transfers share), so the socket's buffer is free at once and the disk sees one `pwrite`
 *   per MiB;
 * - bytes below that in-order frontier are final: a repeat of them (a re-fetched chunk) is not written
 *   again, so once written they can be hashed, and a worker thread (file-hasher.ts) does so, reading them
 *   back from the page cache while the rest is still arriving; what arrived out of order (after a lost
 *   chunk) is hashed from the file at the end.
 * Chunks from the file queue arrive as `HeldChunk`s, bytes that stay on the socket's thread
 * (actors/zmq/file-router-worker.ts): that thread writes each one where it is told, synchronously and
 * without a copy, so they skip the staging and the thread pool; their acknowledgements advance the hash
 * as the queue's writes do.
 * `seal()` flushes, makes the file 0644, fsyncs it and returns the size and SHA-256 of what is on disk.
 *
 * Temp files are named `.piw-transfer-<slave>-<random>.tmp` so the File Juggler can find and remove the
 * ones a crash left behind without touching anyone else's (the Scribe's temp files live in `simple/` too).
 */
import { randomBytes } from 'node:crypto';
import { close, fchmod, fsync, ftruncate, open, rename, unlink } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChunkBytes } from '../../protocols/file-transfer.js';
import { HeldChunk } from '../zmq/file-router-worker.js';
import type { Digest, FileHasher, HashJob } from './file-hasher.js';
import { STAGE_SIZE, type StagingPool } from './staging-pool.js';
import { WriteQueue } from './write-queue.js';

const openAsync = promisify(open);
const closeAsync = promisify(close);
const ftruncateAsync = promisify(ftruncate);
const fchmodAsync = promisify(fchmod);
const fsyncAsync = promisify(fsync);
const renameAsync = promisify(rename);
const unlinkAsync = promisify(unlink);

/** Every temp file of a transfer starts with this. */
export const TEMP_PREFIX = '.piw-transfer-';
const TEMP_SUFFIX = '.tmp';

/** True for the name of a transfer's temp file. */
export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
}

/** Staging buffers one file may hold: one filling while the other is written. */
const STAGE_BUFFERS = 2;
/** A background fdatasync after this many bytes, so the final fsync has little left to do. */
const SYNC_EVERY = 32 << 20;
/** The hashing worker is told of progress in steps of at least this. */
const HASH_STEP = 1 << 20;

export type { Digest };

/** What every incoming file of a juggler shares. */
export interface IncomingFiles {
  hasher: FileHasher;
  staging: StagingPool;
}

export class IncomingFile {
  readonly #writes: WriteQueue;
  readonly #hash: HashJob;
  /** Bytes `[0, frontier)` arrived in order: they are staged or written, and final. */
  #frontier = 0;
  /** Of those, the bytes `[0, written)` are written; the hashing worker was last told `hashable`. */
  #written = 0;
  #hashable = 0;
  /** False once a chunk arrived beyond the frontier: the rest is hashed once everything is written. */
  #inOrder = true;
  /** Whether the chunks so far were held ones (undefined before the first). */
  #heldChunks: boolean | undefined;
  #stage: Buffer | undefined;
  #stageStart = 0;
  #stageLength = 0;
  readonly #staging: StagingPool;
  /** Staging buffers taken from the pool and not yet given back. */
  #held = 0;
  #closed = false;

  private constructor(
    readonly path: string,
    readonly size: number,
    private readonly fd: number,
    shared: IncomingFiles,
    onError: (err: unknown) => void,
  ) {
    this.#writes = new WriteQueue(fd, onError, SYNC_EVERY);
    this.#hash = shared.hasher.open(fd);
    this.#staging = shared.staging;
  }

  /**
   * Creates the temp file in `dir` for a `size`-byte file from slave `slaveId`, hashed and staged with
   * `shared`; `onError` hears of the first write that fails (`seal()` rejects with it too).
   */
  static async create(
    dir: string,
    slaveId: number,
    size: number,
    shared: IncomingFiles,
    onError: (err: unknown) => void = () => undefined,
  ): Promise<IncomingFile> {
    const path = join(dir, `${TEMP_PREFIX}${slaveId}-${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
    const fd = await openAsync(path, 'wx+', 0o600);
    try {
      await ftruncateAsync(fd, size);
    } catch (err) {
      await closeAsync(fd).catch(() => undefined);
      await unlinkAsync(path).catch(() => undefined);
      throw err;
    }
    return new IncomingFile(path, size, fd, shared, onError);
  }

  /**
   * Takes the bytes of one chunk at `offset` (the hot path: no promise, no allocation when in order). A
   * chunk the file queue's thread holds (`HeldChunk`) is written by that thread, now, as it is.
   */
  write(offset: number, data: ChunkBytes): void {
    if (this.#closed || this.#writes.error !== undefined) return;
    if (offset < this.#frontier) {
      // what lies below the frontier is final; only the part beyond it is new
      if (offset + data.length <= this.#frontier) return;
      data = data.subarray(this.#frontier - offset);
      offset = this.#frontier;
    }
    if (data.length === 0) return;
    const held = data instanceof HeldChunk;
    // Held chunks are acknowledged by another thread than the bytes' writes: were a file to get both, the
    // hash could not tell which bytes below the frontier have landed, so it hashes the file at the end.
    if (this.#heldChunks !== undefined && this.#heldChunks !== held) this.#outOfOrder();
    this.#heldChunks = held;
    if (data instanceof HeldChunk) return this.#writeHeld(offset, data);
    if (!(data instanceof Uint8Array)) throw new TypeError('a chunk is either bytes or a held chunk');
    if (this.#inOrder && offset === this.#frontier) {
      this.#frontier += data.length;
      this.#stageData(offset, data);
      return;
    }
    // out of order: written as it is; the hash will read the rest of the file back
    this.#outOfOrder();
    this.#writes.push(offset, data);
  }

  #outOfOrder(): void {
    if (!this.#inOrder) return;
    this.#inOrder = false;
    this.#flushStage();
  }

  #writeHeld(offset: number, chunk: HeldChunk): void {
    let advance: (() => void) | undefined;
    if (this.#inOrder && offset === this.#frontier) {
      this.#frontier += chunk.length;
      advance = this.#advance(this.#frontier);
    } else {
      this.#outOfOrder();
    }
    this.#writes.writeElsewhere(chunk.length, (acknowledge) => chunk.writeTo(this.fd, offset, acknowledge), advance);
  }

  #stageData(offset: number, data: Uint8Array): void {
    if (this.#stage !== undefined && this.#stageLength + data.length <= this.#stage.length) {
      this.#stage.set(data, this.#stageLength);
      this.#stageLength += data.length;
      if (this.#stageLength === this.#stage.length) this.#flushStage();
      return;
    }
    this.#flushStage();
    const stage = this.size >= STAGE_SIZE && data.length <= STAGE_SIZE / 2 ? this.#takeBuffer() : undefined;
    // small files, big chunks, or no buffer to be had: written as they are
    if (stage === undefined) return this.#writes.push(offset, data, this.#advance(offset + data.length));
    stage.set(data, 0);
    this.#stage = stage;
    this.#stageStart = offset;
    this.#stageLength = data.length;
  }

  #takeBuffer(): Buffer | undefined {
    if (this.#held === STAGE_BUFFERS) return undefined;
    const buffer = this.#staging.take();
    if (buffer !== undefined) this.#held++;
    return buffer;
  }

  #flushStage(): void {
    const stage = this.#stage;
    if (stage === undefined) return;
    this.#stage = undefined;
    const advance = this.#advance(this.#stageStart + this.#stageLength);
    this.#writes.push(this.#stageStart, stage.subarray(0, this.#stageLength), () => {
      this.#held--;
      this.#staging.give(stage);
      advance();
    });
  }

  /** What to do once the in-order bytes up to `end` are written: let the worker hash them. */
  #advance(end: number): () => void {
    return () => {
      if (this.#writes.error !== undefined) return;
      this.#written = end; // the queue writes in order, so `end` only grows
      if (this.#written - this.#hashable >= HASH_STEP) {
        this.#hashable = this.#written;
        this.#hash.upTo(this.#hashable);
      }
    };
  }

  /** Resolves once everything taken so far is written. */
  whenWritten(): Promise<void> {
    this.#flushStage();
    return this.#writes.whenIdle();
  }

  /**
   * Once every write has landed: makes the file 0644, fsyncs it (data and mode) and gives its size and
   * SHA-256. Rejects with the first write error, or an I/O error of its own.
   */
  async seal(): Promise<Digest> {
    await this.whenWritten();
    if (this.#writes.error !== undefined) throw this.#writes.error;
    await fchmodAsync(this.fd, 0o644);
    const [digest] = await Promise.all([this.#hash.finish(), fsyncAsync(this.fd)]);
    return digest;
  }

  /** Closes the file and renames it to `dest` (on the same file system). */
  async moveTo(dest: string): Promise<void> {
    await this.#close();
    await renameAsync(this.path, dest);
  }

  /** Closes and removes the temp file (after the writes in flight); never throws. */
  async discard(): Promise<void> {
    await this.#close().catch(() => undefined);
    await unlinkAsync(this.path).catch(() => undefined);
  }

  async #close(): Promise<void> {
    if (this.#closed) return;
    const written = this.whenWritten();
    this.#closed = true; // takes no more chunks
    await written;
    await this.#hash.close(); // the worker reads through this descriptor
    await closeAsync(this.fd);
  }
}
