/**
 * The access-log tables as the master writes them (schema/README.md §2.10–2.14): for each kind of record (the
 * Oracle's LOG* verbs, the Lumberjack's records), its columns in record order, with the SQL type and, for
 * text, the column's width, and the batch function that takes a column per array
 * (sql/upgrade-0.18.1-to-0.18.2.sql). `Database` writes one record with the 0.18 functions and a batch with
 * `logAccessBatch`, the statement `accessLogStatement` builds.
 */
import type { DownloadRecordWire, HitRecordWire, SearchRecordWire } from '../protocols/records.js';
import { fitText } from './text.js';

export interface AccessLogRecords {
  LOGDOWNLOAD: DownloadRecordWire;
  LOGSEARCH: SearchRecordWire;
  LOGPROJECT: HitRecordWire;
  LOGJSON: HitRecordWire;
  LOGPAGE: HitRecordWire;
}
export type AccessLogVerb = keyof AccessLogRecords;
export const ACCESS_LOG_VERBS: readonly AccessLogVerb[] = ['LOGDOWNLOAD', 'LOGSEARCH', 'LOGPROJECT', 'LOGJSON', 'LOGPAGE'];

/** Records of any kinds, written together: each kind's in the order given. */
export type AccessLogBatch = { readonly [V in AccessLogVerb]?: readonly AccessLogRecords[V][] };

type Column = { readonly type: 'text'; readonly width: number } | { readonly type: 'inet' | 'timestamp' };

const text = (width: number): Column => ({ type: 'text', width });
const HOST: Column = { type: 'inet' };
const TIME: Column = { type: 'timestamp' };
/** arch, distro name and version, OS name and version, Python name and version, installer name and
 *  version, setuptools version. */
const CLIENT = [100, 100, 100, 100, 100, 100, 100, 20, 100, 100].map(text);

const TABLES: Record<AccessLogVerb, { readonly batchFunction: string; readonly columns: readonly Column[] }> = {
  LOGDOWNLOAD: { batchFunction: 'log_downloads', columns: [text(255), HOST, TIME, ...CLIENT] },
  LOGSEARCH: { batchFunction: 'log_searches', columns: [text(200), HOST, TIME, ...CLIENT] },
  LOGPROJECT: { batchFunction: 'log_projects', columns: [text(200), HOST, TIME, text(2000)] },
  LOGJSON: { batchFunction: 'log_jsons', columns: [text(200), HOST, TIME, text(2000)] },
  LOGPAGE: { batchFunction: 'log_pages', columns: [text(30), HOST, TIME, text(2000)] },
};

/**
 * `record` with every text field sanitised and cut to its column (`fitText`), and whether anything was
 * cut; the same array when nothing changed. Host and time are left as they are.
 */
export function fitAccessRecord<V extends AccessLogVerb>(verb: V, record: AccessLogRecords[V]): { record: AccessLogRecords[V]; truncated: boolean } {
  const columns = TABLES[verb].columns;
  let fitted: unknown[] | undefined;
  let truncated = false;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const value = record[i];
    if (column.type !== 'text' || typeof value !== 'string') continue;
    const fit = fitText(value, column.width);
    if (fit === value) continue;
    // sanitising never changes the length, so a shorter result was cut
    truncated ||= fit.length < value.length;
    (fitted ??= [...record])[i] = fit;
  }
  return { record: (fitted ?? record) as AccessLogRecords[V], truncated };
}

/** A PostgreSQL array literal element: quoted, with `"` and `\\` escaped. */
function quote(value: string): string {
  return value.indexOf('"') < 0 && value.indexOf('\\') < 0 ? `"${value}"` : `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The fields of `records` as PostgreSQL array literals, one per column. Times repeat from one record to
 * the next (many requests a second), so the last one's text is kept.
 */
function arrayLiterals(records: readonly (readonly unknown[])[], width: number): string[] {
  const out: string[] = [];
  let lastTime = NaN;
  let lastText = '';
  for (let i = 0; i < width; i++) {
    const items: string[] = new Array(records.length);
    for (let n = 0; n < records.length; n++) {
      const value = records[n]![i];
      if (value === null) items[n] = 'NULL';
      else if (typeof value === 'string') items[n] = quote(value);
      else {
        const ms = (value as Date).getTime();
        if (ms !== lastTime) {
          lastTime = ms;
          lastText = `"${(value as Date).toISOString()}"`;
        }
        items[n] = lastText;
      }
    }
    out.push(`{${items.join(',')}}`);
  }
  return out;
}

/**
 * One statement writing every record of `batch`: a call of each kind's batch function with one array
 * parameter per column (text, cast to the column's type on the server). Undefined for an empty batch.
 */
export function accessLogStatement(batch: AccessLogBatch): { text: string; params: string[] } | undefined {
  const calls: string[] = [];
  const params: string[] = [];
  for (const verb of ACCESS_LOG_VERBS) {
    const records = batch[verb];
    if (records === undefined || records.length === 0) continue;
    const { batchFunction, columns } = TABLES[verb];
    const args = arrayLiterals(records, columns.length).map((literal, i) => {
      params.push(literal);
      return `$${params.length}::text::${columns[i]!.type}[]`;
    });
    calls.push(`${batchFunction}(${args.join(', ')})`);
  }
  return calls.length === 0 ? undefined : { text: `SELECT ${calls.join(', ')}`, params };
}

/**
 * Whether PostgreSQL refused the data itself (SQLSTATE class 22, data exception, or 23, integrity
 * constraint): writing the same records again would fail again. Anything else (a lost connection, a
 * server shutting down) may succeed when tried again.
 */
export function isDataRejection(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (err as Error | null)?.name === 'PostgresError' && typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
