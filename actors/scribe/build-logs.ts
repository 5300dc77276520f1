/**
 * Build logs on the site, where piwheels (0.20 and later) keeps them: the build id split into three 4-digit
 * groups from the right, so build 12,345,678 is `logs/0000/1234/5678.txt.gz` and build 42 is
 * `logs/0000/0000/0042.txt.gz`, gzip-compressed UTF-8 text. Web servers send the file as it is with
 * `Content-Encoding: gzip` (README: nginx, Apache; scripts/start/static-server.ts), so a browser shows the
 * text.
 *
 * A log is a copy of what the database keeps (the output table), written once per build: it goes to a
 * temp name and is renamed into place, but is not fsynced. A crash can at worst leave it missing or empty,
 * and a log shorter than the smallest gzip member counts as missing, so the Scribe writes it again from
 * the database with the package's next page. That keeps a new site (a log per build) from paying two
 * fsyncs per build.
 */
import { chmod, mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback, gzipSync } from 'node:zlib';
import { tempPathFor } from '../support/atomic-file.js';
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

/** The smallest gzip member (header and trailer around an empty deflate stream). */
const MIN_GZIP = 20;

/** Whether the log of `buildId` is in `output` (a log cut short by a crash is not). */
export async function hasLog(output: string, buildId: number): Promise<boolean> {
  return stat(join(output, ...logSegments(buildId))).then(
    (s) => s.isFile() && s.size >= MIN_GZIP,
    () => false,
  );
}

/** Logs up to this size are compressed on the event loop. */
const SMALL_LOG = 64 * 1024;

/** Log directories known to exist, so a burst of logs does not ask for each one's directory again. */
const madeDirs = new Set<string>();

/** Writes the log of `buildId` (UTF-8 text, gzip-compressed) under a temp name, then renames it into place. */
export async function writeLog(output: string, buildId: number, text: string): Promise<void> {
  const path = join(output, ...logSegments(buildId));
  const dir = dirname(path);
  if (!madeDirs.has(dir)) {
    await mkdir(dir, { recursive: true });
    if (madeDirs.size > 10_000) madeDirs.clear();
    madeDirs.add(dir);
  }
  const temp = tempPathFor(path);
  const raw = Buffer.from(text, 'utf8');
  // most logs are a few KB: compressed here in microseconds rather than queued behind the thread pool's fsyncs
  const data = raw.length < SMALL_LOG ? gzipSync(raw) : await gzip(raw);
  try {
    await writeFile(temp, data, { flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      await mkdir(dir, { recursive: true }); // removed since we made it
      await writeFile(temp, data, { flag: 'wx' });
    });
    await chmod(temp, 0o644); // whatever the umask: the web server reads it
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** Removes the log of `buildId`; false when it was not there. */
export function removeLog(output: string, buildId: number): Promise<boolean> {
  return unlinkIfPresent(join(output, ...logSegments(buildId)));
}
