/**
 * Build logs on the site, where piwheels (0.20 and later) keeps them: the build id split into three 4-digit
 * groups from the right, so build 12,345,678 is `logs/0000/1234/5678.txt.gz` and build 42 is
 * `logs/0000/0000/0042.txt.gz`, gzip-compressed UTF-8 text. Web servers send the file as it is with
 * `Content-Encoding: gzip` (README: nginx, Apache; scripts/start/static-server.ts), so a browser shows the
 * text.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { writeFileAtomic } from '../support/atomic-file.js';
import { unlinkIfPresent } from '../support/fs-tree.js';

const gzip = promisify(gzipCallback);

/** The log's path below the output directory, as a list of segments: `['logs', '0000', '1234', '5678.txt.gz']`. */
export function logSegments(buildId: number): string[] {
  if (!Number.isSafeInteger(buildId) || buildId < 0) throw new RangeError(`invalid build id ${buildId}`);
  const levels: string[] = [];
  let n = buildId; // a SERIAL: below 2^31, so three groups always suffice
  for (let i = 0; i < 3; i++) {
    levels.unshift(String(n % 10_000).padStart(4, '0'));
    n = Math.floor(n / 10_000);
  }
  return ['logs', levels[0]!, levels[1]!, `${levels[2]}.txt.gz`];
}

/** The log's URL path: `/logs/0000/1234/5678.txt.gz`. */
export function logUrl(buildId: number): string {
  return '/' + logSegments(buildId).join('/');
}

/** Whether the log of `buildId` is in `output`. */
export async function hasLog(output: string, buildId: number): Promise<boolean> {
  return stat(join(output, ...logSegments(buildId))).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Writes the log of `buildId` (UTF-8 text, gzip-compressed) atomically. */
export async function writeLog(output: string, buildId: number, text: string): Promise<void> {
  const segments = logSegments(buildId);
  const path = join(output, ...segments);
  await mkdir(join(output, ...segments.slice(0, -1)), { recursive: true });
  await writeFileAtomic(path, await gzip(Buffer.from(text, 'utf8'), { level: 9 }));
}

/** Removes the log of `buildId`; false when it was not there. */
export function removeLog(output: string, buildId: number): Promise<boolean> {
  return unlinkIfPresent(join(output, ...logSegments(buildId)));
}
