/**
 * Build logs on the site, where piwheels (0.20 and later) keeps them: the build id split into three 4-digit
 * groups from the right, so build 12,345,678 is `logs/0000/1234/5678.txt.gz` and build 42 is
 * `logs/0000/0000/0042.txt.gz`, gzip-compressed UTF-8 text. Web servers send the file as it is with
 * `Content-Encoding: gzip` (README: nginx, Apache; scripts/start/static-server.ts), so a browser shows the
 * text.
 *
 * A log is a copy of what the database keeps (the output table), written once per build (the Scribe
 * places it with AtomicWriter.placeFiles: a temp name renamed into place, not fsynced). A crash can at
 * worst leave it missing or empty, and a log shorter than the smallest gzip member counts as missing, so
 * the Scribe writes it again from the database with the package's next page. That keeps a new site (a
 * log per build) from paying two fsyncs per build.
 */
import { join } from 'node:path';
import { unlinkIfPresent } from '../support/fs-tree.js';

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

/** The log's file in `output`. */
export function logPath(output: string, buildId: number): string {
  return join(output, ...logSegments(buildId));
}

/**
 * The smallest gzip member (header and trailer around an empty deflate stream): a log shorter than this
 * was cut short by a crash and counts as missing.
 */
export const MIN_GZIP = 20;

/** Removes the log of `buildId`; false when it was not there. */
export function removeLog(output: string, buildId: number): Promise<boolean> {
  return unlinkIfPresent(logPath(output, buildId));
}
