/**
 * A ustar writer for the sdists the stand-in serves: regular files and directories, gzipped. The output
 * is deterministic (fixed mtime, owner and gzip header), so an sdist's SHA-256 depends on its contents only.
 */
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  path: string;
  /** Omitted for a directory. */
  content?: Buffer | string;
  mode?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  const digits = value.toString(8);
  if (digits.length > width - 1) throw new RangeError(`tar field overflow: ${value}`);
  return digits.padStart(width - 1, '0') + '\0';
}

/** ustar keeps names up to 100 bytes, or 255 split at a `/` into a 155-byte prefix and a 100-byte name. */
function splitName(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let at = path.indexOf('/'); at >= 0; at = path.indexOf('/', at + 1)) {
    const prefix = path.slice(0, at);
    const name = path.slice(at + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '') return [prefix, name];
  }
  throw new RangeError(`path too long for ustar: ${path}`);
}

function header(entry: TarEntry, size: number, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const isDir = entry.content === undefined;
  const [prefix, name] = splitName(isDir && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(entry.mode ?? (isDir ? 0o755 : 0o644), 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii'); // uid
  block.write(octal(0, 8), 116, 'ascii'); // gid
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(mtime, 12), 136, 'ascii');
  block.write(' '.repeat(8), 148, 'ascii'); // checksum placeholder
  block.write(isDir ? '5' : '0', 156, 'ascii');
  block.write('ustar\0' + '00', 257, 'ascii');
  block.write('root', 265, 'ascii');
  block.write('root', 297, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return block;
}

export function tarGz(entries: readonly TarEntry[], mtime: number): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.content === undefined ? Buffer.alloc(0) : Buffer.from(entry.content);
    parts.push(header(entry, data.length, mtime), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}
