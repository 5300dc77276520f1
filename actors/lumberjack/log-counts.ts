/**
 * What the Lumberjack logs once a minute (behaviour 167): the non-zero count of records written per kind,
 * in 0.18's words, then the counts start again. Records cut to fit, refused by the database or not
 * storable at all are counted alongside, so an operator sees them.
 */
import type { LogKind, LogRecord } from './log-sink.js';

const NAMES: Record<LogKind, string> = {
  LOGDOWNLOAD: 'downloads',
  LOGSEARCH: 'searches',
  LOGPROJECT: 'project hits',
  LOGJSON: 'JSON hits',
  LOGPAGE: 'page hits',
};

export class LogCounts {
  private written: Record<LogKind, number> = LogCounts.zero();
  truncated = 0;
  refused = 0;

  private static zero(): Record<LogKind, number> {
    return { LOGDOWNLOAD: 0, LOGSEARCH: 0, LOGPROJECT: 0, LOGJSON: 0, LOGPAGE: 0 };
  }

  addWritten(records: readonly LogRecord[]): void {
    for (const r of records) this.written[r.verb]++;
  }

  /** `logged 12 downloads, 3 page hits; 1 truncated` for the non-zero counts (undefined if all are zero), and
   * starts counting again. */
  take(): string | undefined {
    const kinds = (Object.keys(NAMES) as LogKind[]).filter((k) => this.written[k] > 0).map((k) => `${this.written[k]} ${NAMES[k]}`);
    const problems = [
      ...(this.truncated ? [`${this.truncated} truncated to fit`] : []),
      ...(this.refused ? [`${this.refused} refused`] : []),
    ];
    this.written = LogCounts.zero();
    this.truncated = this.refused = 0;
    if (kinds.length === 0 && problems.length === 0) return undefined;
    return [kinds.length ? `logged ${kinds.join(', ')}` : 'logged nothing', ...problems].join('; ');
  }
}
