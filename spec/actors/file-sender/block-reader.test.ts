/** The sender's reads: 1 MiB blocks read ahead and sliced into chunks, exact for any range asked for. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockReader, READ_BLOCK } from '../../../actors/file-sender/block-reader.js';

test('every range (in order, re-read after its block was dropped, straddling blocks, past the end) reads exactly the file, at once when its block is in', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'piw-reader-'));
  const size = 6 * READ_BLOCK + 12345;
  const data = randomBytes(size);
  await writeFile(join(dir, 'f'), data);
  const handle = await open(join(dir, 'f'), 'r');
  try {
    const reader = new BlockReader(handle.fd, size);
    const check = async (offset: number, length: number) => {
      const got = await reader.read(offset, length);
      expect(got.equals(data.subarray(offset, offset + length))).toBe(true);
    };
    for (let offset = 0; offset < size; offset += 65536) await check(offset, 65536);
    await check(0, 65536); // block 0 was dropped long ago
    await check(READ_BLOCK - 10, 20);
    await check(3 * READ_BLOCK + 5, READ_BLOCK);
    await check(size - 5, 100);
    await check(size + 10, 100);
    await check(17, 0);

    // once a block is in, its bytes are there at once; past its middle the next block is read ahead
    const fresh = new BlockReader(handle.fd, size);
    expect(fresh.readNow(0, 100)).toBeUndefined();
    await fresh.read(READ_BLOCK - 100, 100);
    await fresh.whenIdle();
    expect(fresh.readNow(10, 100)!.equals(data.subarray(10, 110))).toBe(true);
    expect(fresh.readNow(READ_BLOCK + 5, 100)!.equals(data.subarray(READ_BLOCK + 5, READ_BLOCK + 105))).toBe(true);
    expect(fresh.readNow(READ_BLOCK - 10, 20)).toBeUndefined(); // straddles two blocks
    expect(fresh.readNow(3, 0)!.length).toBe(0);
  } finally {
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  }
});
