/** A big, real wheel for the benchmarks that import one (import.ts, transfer-load.ts --sender piw-import). */
import { randomFillSync } from 'node:crypto';
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

const MiB = 2 ** 20;

/**
 * A real wheel of about `bytes` bytes, written without holding it in memory: METADATA, WHEEL and one
 * stored member of random bytes (incompressible, like the shared objects that make wheels big).
 */
export async function writeBigWheel(path: string, bytes: number, pkg = 'foo', version = '1.0'): Promise<void> {
  const file = await open(path, 'w');
  const central: Buffer[] = [];
  let offset = 0;
  const header = (name: Buffer, crc: number, size: number) => {
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    local.copy(entry, 6, 4, 30);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    return local;
  };
  try {
    for (const [name, text] of [
      [`${pkg}-${version}.dist-info/METADATA`, `Metadata-Version: 2.1\nName: ${pkg}\nVersion: ${version}\n\n`],
      [`${pkg}-${version}.dist-info/WHEEL`, 'Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n'],
    ] as const) {
      const data = Buffer.from(text);
      const n = Buffer.from(name);
      const local = header(n, crc32(data), data.length);
      await file.write(Buffer.concat([local, n, data]), 0, undefined, offset);
      offset += local.length + n.length + data.length;
    }
    const name = Buffer.from(`${pkg}/_native.so`);
    const size = bytes - offset - 2 * (30 + name.length) - 22 - 200;
    const start = offset;
    offset += 30 + name.length;
    const chunk = Buffer.alloc(4 * MiB);
    let crc = 0;
    for (let done = 0; done < size; ) {
      const n = Math.min(chunk.length, size - done);
      const part = randomFillSync(chunk.subarray(0, n));
      crc = crc32(part, crc);
      await file.write(part, 0, n, offset);
      offset += n;
      done += n;
    }
    const end = offset;
    offset = start;
    const local = header(name, crc, size);
    await file.write(Buffer.concat([local, name]), 0, undefined, start);
    offset = end;
    const directory = Buffer.concat(central);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(3, 8);
    eocd.writeUInt16LE(3, 10);
    eocd.writeUInt32LE(directory.length, 12);
    eocd.writeUInt32LE(offset, 16);
    await file.write(Buffer.concat([directory, eocd]), 0, undefined, offset);
  } finally {
    await file.close();
  }
}
