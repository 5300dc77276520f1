/**
 * Makes a record fit the database before it is written, so no single record can make a batch fail:
 *  - text is sanitised as every write of web-log fields is (schema/database.ts `sanitize`: control
 *    characters become U+FFFD; PostgreSQL refuses NUL in text anyway);
 *  - text longer than its column is cut to the column's width (schema.md §2.10–2.14): a page name of more
 *    than 30 characters would otherwise make 0.18's Oracle fail and its Lumberjack die;
 *  - a record whose host is not an IP address (the column is INET) or whose time is outside what a
 *    TIMESTAMP holds cannot be stored at all, and is refused.
 */
import { isIP } from 'node:net';
import { sanitize } from '../../schema/database.js';
import type { LogKind, LogRecord } from './log-sink.js';

export type FitResult = { record: LogRecord; truncated: boolean } | { refused: string };

/** Column widths of each kind's text fields, in record order (null: not text). */
const DOWNLOAD_WIDTHS = [255, null, null, 100, 100, 100, 100, 100, 100, 100, 20, 100, 100];
const WIDTHS: Record<LogKind, readonly (number | null)[]> = {
  LOGDOWNLOAD: DOWNLOAD_WIDTHS,
  LOGSEARCH: [200, ...DOWNLOAD_WIDTHS.slice(1)],
  LOGPROJECT: [200, null, null, 2000],
  LOGJSON: [200, null, null, 2000],
  LOGPAGE: [30, null, null, 2000],
};

// PostgreSQL's TIMESTAMP starts at 4713 BC.
const EARLIEST = Date.UTC(-4712, 0, 1);

/** Cut to `width` characters (code points, as VARCHAR counts them). */
function cut(text: string, width: number): string {
  if (text.length <= width) return text;
  let units = 0;
  for (let chars = 0; chars < width && units < text.length; chars++) units += text.codePointAt(units)! > 0xffff ? 2 : 1;
  return text.slice(0, units);
}

export function fitRecord(record: LogRecord): FitResult {
  const data = record.data;
  const host = data[1];
  if (isIP(host) === 0 || host.includes('%')) return { refused: `host ${JSON.stringify(host)} is not an IP address` };
  const time = data[2].getTime();
  if (!(time >= EARLIEST)) return { refused: `time ${String(data[2])} cannot be stored in a TIMESTAMP` };
  const widths = WIDTHS[record.verb];
  let fitted: unknown[] | undefined;
  let truncated = false;
  for (let i = 0; i < widths.length; i++) {
    const width = widths[i];
    const value = data[i];
    if (width === null || typeof value !== 'string') continue;
    let text = sanitize(value);
    if (text.length > width) {
      const shorter = cut(text, width);
      truncated ||= shorter !== text;
      text = shorter;
    }
    if (text !== value) (fitted ??= [...data])[i] = text;
  }
  return { record: fitted ? ({ verb: record.verb, data: fitted } as LogRecord) : record, truncated };
}
