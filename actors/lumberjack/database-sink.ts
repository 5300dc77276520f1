/**
 * The Lumberjack's LogSink over the database: a batch becomes one statement that calls, for each kind it
 * holds, that kind's batch function (schema/sql/upgrade-0.18.1-to-0.18.2.sql: log_downloads, log_searches,
 * log_projects, log_jsons, log_pages) with one array per column. One statement is one transaction, so a
 * batch is written whole or not at all, in one round trip.
 *
 * Records arrive fitted to their columns (fit-record.ts). PostgreSQL refusing the data itself (SQLSTATE
 * class 22, data exception, or 23, integrity constraint) is a RejectedBatchError; anything else (lost
 * connection, server shutting down) is left to the Lumberjack to retry.
 */
import type { Sql } from 'postgres';
import { LOG_KINDS, RejectedBatchError, type LogKind, type LogRecord, type LogSink } from './log-sink.js';

const FUNCTIONS: Record<LogKind, string> = {
  LOGDOWNLOAD: 'log_downloads',
  LOGSEARCH: 'log_searches',
  LOGPROJECT: 'log_projects',
  LOGJSON: 'log_jsons',
  LOGPAGE: 'log_pages',
};

/** The SQL type of each field of a record, in order. */
const DOWNLOAD_TYPES = ['text', 'inet', 'timestamp', ...Array<string>(10).fill('text')];
const HIT_TYPES = ['text', 'inet', 'timestamp', 'text'];
const TYPES: Record<LogKind, readonly string[]> = {
  LOGDOWNLOAD: DOWNLOAD_TYPES,
  LOGSEARCH: DOWNLOAD_TYPES,
  LOGPROJECT: HIT_TYPES,
  LOGJSON: HIT_TYPES,
  LOGPAGE: HIT_TYPES,
};

/** A PostgreSQL array literal element: quoted, with `"` and `\\` escaped. */
function quote(text: string): string {
  return text.indexOf('"') < 0 && text.indexOf('\\') < 0 ? `"${text}"` : `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The fields of `records` as PostgreSQL array literals, one per column. Times repeat from one record to
 * the next (many requests a second), so the last one's text is kept.
 */
function columns(records: readonly LogRecord[], width: number): string[] {
  const out: string[] = [];
  let lastTime = NaN;
  let lastText = '';
  for (let i = 0; i < width; i++) {
    const items: string[] = new Array(records.length);
    for (let n = 0; n < records.length; n++) {
      const value = (records[n]!.data as readonly unknown[])[i];
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

export function isRejection(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (err as Error)?.name === 'PostgresError' && typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

export class DatabaseLogSink implements LogSink {
  constructor(private readonly sql: Sql) {}

  async writeBatch(records: readonly LogRecord[]): Promise<void> {
    const byKind = new Map<LogKind, LogRecord[]>();
    for (const r of records) {
      const list = byKind.get(r.verb);
      if (list) list.push(r);
      else byKind.set(r.verb, [r]);
    }
    const calls: string[] = [];
    const params: string[] = [];
    for (const kind of LOG_KINDS) {
      const list = byKind.get(kind);
      if (!list) continue;
      const types = TYPES[kind];
      const args = columns(list, types.length).map((literal, i) => {
        params.push(literal);
        return `$${params.length}::text::${types[i]}[]`;
      });
      calls.push(`${FUNCTIONS[kind]}(${args.join(', ')})`);
    }
    if (calls.length === 0) return;
    try {
      await this.sql.unsafe(`SELECT ${calls.join(', ')}`, params);
    } catch (err) {
      if (isRejection(err)) throw new RejectedBatchError((err as Error).message, { cause: err });
      throw err;
    }
  }
}
