/**
 * One file on its way in: a temp file in `<output>/simple/` (so the final rename stays on one file
 * system), created exclusively with mode 0600 and pre-sized to the expected length, then written at the
 * offsets the chunks name. Writes are positional (`pwrite`) and fire-and-forget on the hot path; the
 * first failure is kept and reported. Nothing is fsynced per chunk: `seal()` fsyncs once, with the final
 * mode, when every byte is in, and hashes what is on disk.
 *
 * Temp files are named `.piw-transfer-<slave>-<random>.tmp` so the File Juggler can find and remove the
 * ones a crash left behind without touching anyone else's (the Scribe's temp files live in `simple/` too).
 */
import { createHash, randomBytes } from 'node:crypto';
import { close, fchmod, fsync, ftruncate, open, read, rename, unlink, write, writev } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

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

/** Most buffers one `pwritev` takes (Linux's IOV_MAX is 1024). */
const MAX_IOV = 256;

interface PendingWrite {
  offset: number;
  data: Uint8Array;
}

/** What is left of a run of contiguous writes after the first `written` bytes of it landed. */
function rest(run: PendingWrite[], written: number): PendingWrite[] {
  const left: PendingWrite[] = [];
  let skip = written;
  for (const w of run) {
    if (skip >= w.data.length) {
      skip -= w.data.length;
      continue;
    }
    left.push(skip === 0 ? w : { offset: w.offset + skip, data: w.data.subarray(skip) });
    skip = 0;
  }
  return left;
}

/** Blocks read back for hashing: big enough that the thread-pool round trip is noise. */
const HASH_BLOCK = 4 << 20;

export interface Digest {
  size: number;
  /** Lowercase hex. */
  sha256: string;
}

export class IncomingFile {
  #queue: PendingWrite[] = [];
  #writing = false;
  #onError: ((err: unknown) => void) | undefined;
  #drained: (() => void)[] = [];
  #error: unknown = undefined;
  #closed = false;

  private constructor(
    readonly path: string,
    readonly size: number,
    private readonly fd: number,
  ) {}

  /** Creates the temp file in `dir` for a `size`-byte file from slave `slaveId`. */
  static async create(dir: string, slaveId: number, size: number): Promise<IncomingFile> {
    const path = join(dir, `${TEMP_PREFIX}${slaveId}-${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
    const fd = await openAsync(path, 'wx+', 0o600);
    try {
      await ftruncateAsync(fd, size);
    } catch (err) {
      await closeAsync(fd).catch(() => undefined);
      await unlinkAsync(path).catch(() => undefined);
      throw err;
    }
    return new IncomingFile(path, size, fd);
  }

  /**
   * Writes `data` at `offset`: the hot path, so no promise per chunk. One write is in flight at a time;
   * chunks that arrive meanwhile wait, and the contiguous ones go down together in one `pwritev` (a trip
   * to the thread pool costs more than the copy into the page cache). Writes land in arrival order, so
   * a chunk sent twice ends as its later copy. A failure is kept for `seal()` and given to `onError` once.
   */
  write(offset: number, data: Uint8Array, onError: (err: unknown) => void): void {
    if (data.length === 0 || this.#closed) return;
    this.#queue.push({ offset, data });
    this.#onError = onError;
    if (!this.#writing) this.#flush();
  }

  #flush(): void {
    const queue = this.#queue;
    if (queue.length === 0 || this.#error !== undefined) {
      queue.length = 0;
      this.#writing = false;
      for (const resolve of this.#drained.splice(0)) resolve();
      return;
    }
    this.#writing = true;
    const offset = queue[0]!.offset;
    let end = offset + queue[0]!.data.length;
    let n = 1;
    while (n < queue.length && n < MAX_IOV && queue[n]!.offset === end) end += queue[n++]!.data.length;
    const run = queue.splice(0, n);
    const done = (err: NodeJS.ErrnoException | null, written: number) => {
      // a short write to a regular file means the disk is nearly full: what is left goes back on the
      // queue, and writing it says so
      if (err === null && written === 0) err = Object.assign(new Error('no space left to write'), { code: 'ENOSPC' });
      if (err !== null) {
        this.#error = err;
        this.#onError?.(err);
      } else if (written < end - offset) {
        queue.unshift(...rest(run, written));
      }
      this.#flush();
    };
    if (n === 1) write(this.fd, run[0]!.data, 0, run[0]!.data.length, offset, done);
    else writev(this.fd, run.map((w) => w.data), offset, done);
  }

  /** Resolves once no write is in flight or waiting. */
  whenWritten(): Promise<void> {
    return this.#writing ? new Promise((resolve) => this.#drained.push(resolve)) : Promise.resolve();
  }

  /**
   * Once every write has landed: makes the file 0644, fsyncs it (data and mode) and hashes what is on
   * disk. Rejects with the first write error, or an I/O error of its own.
   */
  async seal(): Promise<Digest> {
    await this.whenWritten();
    if (this.#error !== undefined) throw this.#error;
    await fchmodAsync(this.fd, 0o644);
    const [digest] = await Promise.all([hashFd(this.fd), fsyncAsync(this.fd)]);
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
    this.#closed = true;
    await this.whenWritten();
    await closeAsync(this.fd);
  }
}

function readAt(fd: number, buffer: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buffer, 0, buffer.length, position, (err, n) => (err ? reject(err) : resolve(n))));
}

/** Size and SHA-256 of an open file, read from the start in large blocks, the next read overlapping the hash. */
export async function hashFd(fd: number): Promise<Digest> {
  const hash = createHash('sha256');
  let blocks = [Buffer.allocUnsafe(HASH_BLOCK), Buffer.allocUnsafe(HASH_BLOCK)] as const;
  let position = 0;
  let next = readAt(fd, blocks[0], 0);
  for (;;) {
    const n = await next;
    if (n === 0) break;
    const block = blocks[0];
    position += n;
    blocks = [blocks[1], blocks[0]];
    next = readAt(fd, blocks[0], position);
    hash.update(n === block.length ? block : block.subarray(0, n));
  }
  return { size: position, sha256: hash.digest('hex') };
}
