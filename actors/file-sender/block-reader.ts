/**
 * Positional reads of the file being sent, for the FETCHes of one transfer. Each read is a trip to the
 * thread pool, and on a small machine the trip (waking a pool thread, then the event loop) costs more than
 * reading 64 KiB from the page cache; so the file is read in 1 MiB blocks, one block ahead of the FETCHes,
 * and each 64 KiB CHUNK is a view of a block: 16 chunks per trip. A FETCH that straddles two blocks is
 * read on its own: a master asking for odd ranges sends one, and so does ours for every chunk of a large
 * file (4 MiB each, a trip worth taking per chunk).
 */
import { read } from 'node:fs';

export const READ_BLOCK = 1 << 20;
/** Blocks kept: the one being sent, the one read ahead, and two behind for re-FETCHes of lost chunks. */
const KEEP_BLOCKS = 4;

function readAt(fd: number, offset: number, length: number): Promise<Buffer> {
  if (length === 0) return Promise.resolve(Buffer.alloc(0));
  const buffer = Buffer.allocUnsafe(length);
  return new Promise((resolve, reject) =>
    read(fd, buffer, 0, length, offset, (err, n) => (err ? reject(err) : resolve(n === length ? buffer : buffer.subarray(0, n)))),
  );
}

interface Block {
  read: Promise<Buffer>;
  /** The block once read. */
  data: Buffer | undefined;
}

export class BlockReader {
  readonly #blocks = new Map<number, Block>();
  /** Reads not yet finished (read-ahead included): the descriptor must stay open until they are. */
  readonly #reading = new Set<Promise<unknown>>();

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {}

  /** `length` bytes at `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Promise<Buffer> {
    const start = this.#blockStart(offset, length);
    if (start === undefined) return this.#track(readAt(this.fd, offset, length));
    return this.#block(start, offset + length).read.then((data) => data.subarray(offset - start, offset - start + length));
  }

  /** The same bytes at once, when the block holding them has been read already; otherwise undefined. */
  readNow(offset: number, length: number): Buffer | undefined {
    if (length === 0) return Buffer.alloc(0);
    const start = this.#blockStart(offset, length);
    if (start === undefined) return undefined;
    const data = this.#block(start, offset + length).data;
    return data?.subarray(offset - start, offset - start + length);
  }

  /** Resolves once no read is in flight. */
  async whenIdle(): Promise<void> {
    while (this.#reading.size > 0) await Promise.allSettled(this.#reading);
  }

  /** The start of the block holding all of `[offset, offset + length)`, if one does. */
  #blockStart(offset: number, length: number): number | undefined {
    const start = Math.floor(offset / READ_BLOCK) * READ_BLOCK;
    return length === 0 || offset + length > start + READ_BLOCK ? undefined : start;
  }

  /** The block at `start`, read if need be; past half of it, the next one is read ahead. */
  #block(start: number, end: number): Block {
    const block = this.#load(start);
    if (end > start + READ_BLOCK / 2) this.#load(start + READ_BLOCK);
    return block;
  }

  #load(start: number): Block {
    let block = this.#blocks.get(start);
    if (block !== undefined) return block;
    const read = this.#track(readAt(this.fd, start, Math.max(0, Math.min(READ_BLOCK, this.size - start))));
    const loaded: Block = { read, data: undefined };
    // a block read ahead and never asked for must not go unhandled
    read.then((data) => (loaded.data = data), () => undefined);
    this.#blocks.set(start, loaded);
    if (this.#blocks.size > KEEP_BLOCKS) this.#blocks.delete(this.#blocks.keys().next().value!);
    return loaded;
  }

  #track<T>(read: Promise<T>): Promise<T> {
    this.#reading.add(read);
    const forget = () => void this.#reading.delete(read);
    read.then(forget, forget);
    return read;
  }
}
