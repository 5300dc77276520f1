/**
 * Positional reads of the file being sent, for the FETCHes of one transfer. Each read is a trip to the
 * thread pool, and on a small machine the trip (waking a pool thread, then the event loop) costs more than
 * reading 64 KiB from the page cache; so the file is read in 1 MiB blocks, one block ahead of the FETCHes,
 * and each 64 KiB CHUNK is a view of a block: 16 chunks per trip. A FETCH that straddles two blocks (only
 * a master asking for odd ranges sends one) is read on its own.
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

export class BlockReader {
  readonly #blocks = new Map<number, Promise<Buffer>>();

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {}

  /** `length` bytes at `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Promise<Buffer> {
    const index = Math.floor(offset / READ_BLOCK);
    const start = index * READ_BLOCK;
    if (length === 0 || offset + length > start + READ_BLOCK) return readAt(this.fd, offset, length);
    const block = this.#block(index);
    if (offset + length > start + READ_BLOCK / 2) this.#block(index + 1); // read ahead
    return block.then((data) => data.subarray(offset - start, offset - start + length));
  }

  #block(index: number): Promise<Buffer> {
    let block = this.#blocks.get(index);
    if (block !== undefined) return block;
    const start = index * READ_BLOCK;
    block = readAt(this.fd, start, Math.max(0, Math.min(READ_BLOCK, this.size - start)));
    block.catch(() => undefined); // a block read ahead and never asked for must not go unhandled
    this.#blocks.set(index, block);
    if (this.#blocks.size > KEEP_BLOCKS) this.#blocks.delete(this.#blocks.keys().next().value!);
    return block;
  }
}
