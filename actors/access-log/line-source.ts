/**
 * Where piw-logger's lines come from: files (gzip-compressed when named `.gz`) or standard input, in
 * Apache's piped-log mode when no file or `-` is given. Lines come in batches (one per chunk read) to keep
 * per-line overhead low; `\r\n` endings and blank lines are tolerated. Files are checked before any is
 * read, so a bad name fails the run before anything is sent.
 */
import { constants, createReadStream } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { loggerErrors } from './errors.js';

export interface LineSource {
  /** A file name, or `-` for standard input. */
  readonly name: string;
  open(): Readable;
}

export const STDIN = '-';

/** The sources for `FILES…`: none or `-` is standard input. Throws PIW_ERR_LOG_INPUT for a file that is
 * missing, unreadable or not a file. */
export async function openSources(files: readonly string[], stdin: () => Readable = () => process.stdin): Promise<LineSource[]> {
  const names = files.length === 0 ? [STDIN] : files;
  const sources: LineSource[] = [];
  for (const name of names) {
    if (name === STDIN) {
      sources.push({ name: 'standard input', open: stdin });
      continue;
    }
    let directory: boolean;
    try {
      directory = (await stat(name)).isDirectory();
      await access(name, constants.R_OK);
    } catch (err) {
      throw loggerErrors.input(name, err);
    }
    if (directory) throw loggerErrors.input(name, 'it is a directory');
    sources.push({
      name,
      open: () => {
        const file = createReadStream(name, { highWaterMark: 256 * 1024 });
        if (!name.endsWith('.gz')) return file;
        const gunzip = createGunzip();
        file.once('error', (err) => gunzip.destroy(err));
        gunzip.once('close', () => file.destroy());
        return file.pipe(gunzip);
      },
    });
  }
  return sources;
}

/** The lines of a stream, a batch per chunk; a read or decompression error is PIW_ERR_LOG_INPUT. */
export async function* readLines(source: LineSource): AsyncGenerator<string[]> {
  const stream = source.open();
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of stream) {
      const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
      const lines = text.split('\n');
      rest = lines.pop()!;
      yield trimmed(lines);
    }
  } catch (err) {
    throw loggerErrors.input(source.name, err);
  }
  rest += decoder.end();
  if (rest) yield trimmed([rest]);
}

function trimmed(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const end = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
    if (end > 0) out.push(end === line.length ? line : line.slice(0, end));
  }
  return out;
}
