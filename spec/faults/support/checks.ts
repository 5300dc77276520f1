/**
 * What the fault suite checks after it broke the master: the database and the output tree agree, and the
 * builds the slaves were told were done are all recorded.
 *
 *   - every file row has its file under simple/<package>/, of its size;
 *   - every link of every simple/<package>/index.html resolves to a file there;
 *   - no temp file of any kind (pages', transfers') is left in the tree;
 *   - every build a slave had acknowledged (DONE after it sent the files) is in the database with its file
 *     and hash: the ones that are not are lost.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Sql } from 'postgres';
import { tempNameOwner } from '../../../actors/support/atomic-file.js';
import { TEMP_PREFIX } from '../../../actors/file-juggler/incoming-file.js';
import type { AcceptedBuild } from '../../../scripts/faults/wire-slave.js';

/** `count` packages `fault-pkg-<i>` with one version each, for the slaves to build. */
export async function seedVersions(sql: Sql, count: number, prefix = 'fault-pkg'): Promise<[string, string][]> {
  const versions: [string, string][] = Array.from({ length: count }, (_, i) => [`${prefix}-${i}`, '1.0']);
  for (const [pkg, version] of versions) {
    await sql`SELECT add_new_package(${pkg}, '', '')`;
    await sql`SELECT add_new_package_version(${pkg}, ${version}, '2024-01-01 00:00:00'::timestamp, '')`;
  }
  return versions;
}

export interface RecordedFile {
  package: string;
  version: string;
  filename: string;
  filesize: number;
  filehash: string;
}

export async function recordedFiles(sql: Sql): Promise<RecordedFile[]> {
  return (await sql`
    SELECT b.package, b.version, f.filename, f.filesize, f.filehash
    FROM builds b JOIN files f ON f.build_id = b.build_id
    WHERE b.status ORDER BY f.filename`) as unknown as RecordedFile[];
}

async function walk(root: string): Promise<{ dir: string; entry: Dirent }[]> {
  const found: { dir: string; entry: Dirent }[] = [];
  const pending = [root];
  while (pending.length) {
    const dir = pending.pop()!;
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[])) {
      if (entry.isDirectory()) pending.push(path.join(dir, entry.name));
      else found.push({ dir, entry });
    }
  }
  return found;
}

export interface Consistency {
  rows: number;
  /** Rows whose file is missing or of another size. */
  missingFiles: string[];
  links: number;
  brokenLinks: string[];
  tempFiles: string[];
}

export async function consistency(sql: Sql, output: string): Promise<Consistency> {
  const rows = await recordedFiles(sql);
  const missingFiles: string[] = [];
  for (const row of rows) {
    const size = await stat(path.join(output, 'simple', row.package, row.filename)).then((s) => s.size, () => -1);
    if (size !== row.filesize) missingFiles.push(`${row.package}/${row.filename} (${size < 0 ? 'missing' : `${size} bytes, not ${row.filesize}`})`);
  }
  const files = await walk(output);
  const tempFiles = files
    .filter(({ entry }) => tempNameOwner(entry.name) !== undefined || entry.name.startsWith(TEMP_PREFIX))
    .map(({ dir, entry }) => path.relative(output, path.join(dir, entry.name)));
  let links = 0;
  const brokenLinks: string[] = [];
  for (const { dir, entry } of files) {
    if (entry.name !== 'index.html' || path.dirname(dir) !== path.join(output, 'simple')) continue;
    const page = await readFile(path.join(dir, entry.name), 'utf8');
    for (const [, href] of page.matchAll(/<a href="([^"#]+)(?:#[^"]*)?"/g)) {
      links++;
      const target = path.join(dir, decodeURIComponent(href!));
      if (!(await stat(target).then((s) => s.isFile(), () => false))) brokenLinks.push(path.relative(output, target));
    }
  }
  return { rows: rows.length, missingFiles, links, brokenLinks, tempFiles };
}

/** The acknowledged builds the database does not hold (a successful build of that version with that file). */
export async function lostBuilds(sql: Sql, accepted: readonly AcceptedBuild[]): Promise<AcceptedBuild[]> {
  const rows = new Map((await recordedFiles(sql)).map((r) => [r.filename, r]));
  return accepted.filter((b) => {
    const row = rows.get(b.filename);
    return row === undefined || row.package !== b.package || row.version !== b.version;
  });
}
