/**
 * packages.json (web-templates/README.md §3.5, behaviour 141), the search index: `[package,
 * downloads_30_days, downloads_all]` for every package, read back at start-up and written in chunks.
 */
import { readFile } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Items rendered between turns of the event loop in long lists. */
export const LIST_CHUNK = 2_000;

/** The counts of a packages.json written before; none when it is missing or unreadable. */
export async function readSearchIndex(path: string): Promise<Map<string, [number, number]>> {
  const counts = new Map<string, [number, number]>();
  try {
    const rows: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (Array.isArray(rows)) {
      for (const row of rows) {
        if (Array.isArray(row) && typeof row[0] === 'string' && typeof row[1] === 'number' && typeof row[2] === 'number') counts.set(row[0], [row[1], row[2]]);
      }
    }
  } catch {
    // written afresh below
  }
  return counts;
}

/** packages.json as compact JSON, a few thousand entries per chunk. */
export async function* searchIndexChunks(downloads: ReadonlyMap<string, [number, number]>): AsyncGenerator<string> {
  const entries = [...downloads];
  yield '[';
  for (let start = 0; start < entries.length; start += LIST_CHUNK) {
    if (start > 0) await nextTurn();
    const rows = entries.slice(start, start + LIST_CHUNK).map(([pkg, [recent, all]]) => [pkg, recent, all]);
    yield (start > 0 ? ',' : '') + JSON.stringify(rows).slice(1, -1);
  }
  yield ']';
}
