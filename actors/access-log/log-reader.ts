/**
 * Lines in, records out: parses each line with the compiled format, classifies it and keeps the counts
 * piw-logger reports. A line that does not fit the format, or would make a record whose client address is
 * not an IP address (the database stores it as INET), is malformed: counted and skipped, never fatal.
 */
import { isIP } from 'node:net';
import { classify, type LogMessage, type LogVerb } from './classify.js';
import type { LogLineParser } from './log-format.js';

export interface LoggerCounts {
  /** Non-blank lines read. */
  lines: number;
  /** Records made, per kind. */
  records: Record<LogVerb, number>;
  /** Lines that make no record (not status 200, no User-Agent, or no rule matched). */
  ignored: number;
  malformed: number;
  /** Records not handed to the log queue (`--drop`). */
  dropped: number;
}

export function emptyCounts(): LoggerCounts {
  return { lines: 0, records: { LOGDOWNLOAD: 0, LOGSEARCH: 0, LOGPROJECT: 0, LOGJSON: 0, LOGPAGE: 0 }, ignored: 0, malformed: 0, dropped: 0 };
}

const KIND_NAMES: Record<LogVerb, string> = {
  LOGDOWNLOAD: 'downloads',
  LOGSEARCH: 'searches',
  LOGPROJECT: 'project hits',
  LOGJSON: 'JSON hits',
  LOGPAGE: 'page hits',
};

/** `read 10 lines: 4 downloads, 2 searches, 0 project hits, 0 JSON hits, 1 page hits; 2 ignored, 1 malformed, 0 dropped` */
export function formatCounts(c: LoggerCounts): string {
  const kinds = (Object.keys(KIND_NAMES) as LogVerb[]).map((verb) => `${c.records[verb]} ${KIND_NAMES[verb]}`).join(', ');
  return `read ${c.lines} lines: ${kinds}; ${c.ignored} ignored, ${c.malformed} malformed, ${c.dropped} dropped`;
}

export class LogReader {
  readonly counts = emptyCounts();

  constructor(readonly parser: LogLineParser) {}

  /** The record `line` becomes, or undefined (ignored or malformed; see `counts`). */
  read(line: string): LogMessage | undefined {
    this.counts.lines++;
    const parsed = this.parser.parse(line);
    if (parsed === undefined) {
      this.counts.malformed++;
      return undefined;
    }
    const msg = classify(parsed);
    if (msg === undefined) {
      this.counts.ignored++;
      return undefined;
    }
    if (isIP(parsed.host) === 0) {
      this.counts.malformed++;
      return undefined;
    }
    this.counts.records[msg.verb]++;
    return msg;
  }
}
