/**
 * A small reader for zip archives (wheels): the central directory (ZIP64 included) and whole members,
 * stored or deflated, checked against their CRC-32. Node has inflate but no zip reader; this is all the
 * builder needs to look inside the wheels it made.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { crc32, inflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import { ZipFormatError } from './errors.js';

const inflate = promisify(inflateRaw);

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

function u64(buf: Buffer, at: number): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('64-bit zip field out of range');
  return Number(value);
}

export class ZipReader {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly entries: readonly ZipEntry[],
  ) {}

  static async open(path: string): Promise<ZipReader> {
    const handle = await open(path, 'r');
    try {
      return new ZipReader(path, handle, await readCentralDirectory(path, handle));
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** The member's contents, inflated and verified. */
  async read(entry: ZipEntry): Promise<Buffer> {
    const fail = (why: string) => new ZipFormatError(this.path, `${entry.name}: ${why}`);
    if (entry.encrypted) throw fail('encrypted members are not supported');
    const header = await this.readAt(entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIG) throw fail('bad local header');
    const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const raw = await this.readAt(dataStart, entry.compressedSize);
    if (raw.length !== entry.compressedSize) throw fail('truncated member');
    let data: Buffer;
    if (entry.method === 0) data = raw;
    else if (entry.method === 8) {
      try {
        data = await inflate(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
      } catch (err) {
        throw fail(`cannot inflate: ${(err as Error).message}`);
      }
    } else throw fail(`unsupported compression method ${entry.method}`);
    if (data.length !== entry.uncompressedSize) throw fail('size does not match the central directory');
    if (crc32(data) !== entry.crc32) throw fail('CRC-32 mismatch');
    return data;
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  private async readAt(position: number, length: number): Promise<Buffer> {
    return readAt(this.handle, position, length);
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

async function readCentralDirectory(path: string, handle: FileHandle): Promise<ZipEntry[]> {
  const fail = (why: string) => new ZipFormatError(path, why);
  const { size } = await handle.stat();
  const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT + 20);
  const tailStart = size - tailLength;
  const tail = await readAt(handle, tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG && i + EOCD_SIZE + tail.readUInt16LE(i + 20) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw fail('no end of central directory record');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    const locator = eocd - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR_SIG) throw fail('ZIP64 locator missing');
    const record = await readAt(handle, u64(tail, locator + 8), 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw fail('bad ZIP64 end of central directory');
    count = u64(record, 32);
    cdSize = u64(record, 40);
    cdOffset = u64(record, 48);
  }
  if (cdOffset + cdSize > size) throw fail('central directory lies outside the file');
  const cd = await readAt(handle, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL_SIG) throw fail(`bad central directory entry ${n}`);
    const flags = cd.readUInt16LE(at + 8);
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) throw fail(`truncated central directory entry ${n}`);
    const nameBytes = cd.subarray(at + 46, at + 46 + nameLength);
    const entry: ZipEntry = {
      name: nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1'),
      method: cd.readUInt16LE(at + 10),
      crc32: cd.readUInt32LE(at + 16),
      compressedSize: cd.readUInt32LE(at + 20),
      uncompressedSize: cd.readUInt32LE(at + 24),
      localHeaderOffset: cd.readUInt32LE(at + 42),
      encrypted: (flags & 1) !== 0,
    };
    applyZip64Extra(entry, cd.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    entries.push(entry);
    at = end;
  }
  return entries;
}

/** The ZIP64 extra field holds, in order, whichever of the three 32-bit fields overflowed. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const next = () => {
        const value = u64(extra, field);
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === U32_MAX) entry.uncompressedSize = next();
      if (entry.compressedSize === U32_MAX) entry.compressedSize = next();
      if (entry.localHeaderOffset === U32_MAX) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + length;
  }
}
