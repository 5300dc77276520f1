/**
 * The fault suite's counts: each test adds rows; `printReport` (in afterAll) writes them as a table to
 * stdout, so a CI log shows what was sent, what the honest peer saw and what the master kept, and appends
 * them as JSON lines to $PIW_FAULTS_REPORT when it is set (for a closing note or a dashboard).
 */
import { appendFileSync } from 'node:fs';

type Row = Record<string, string | number>;

const rows: { section: string; row: Row }[] = [];

export function record(section: string, row: Row): void {
  rows.push({ section, row });
}

const show = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(1)) : v);

export function printReport(title: string): void {
  if (rows.length === 0) return;
  const lines = [`\n== fault suite: ${title} ==`];
  for (const section of new Set(rows.map((r) => r.section))) {
    const mine = rows.filter((r) => r.section === section).map((r) => r.row);
    const keys = [...new Set(mine.flatMap((r) => Object.keys(r)))];
    const cells = [keys, ...mine.map((r) => keys.map((k) => (r[k] === undefined ? '' : show(r[k]!))))];
    const widths = keys.map((_, i) => Math.max(...cells.map((c) => String(c[i]).length)));
    lines.push(`-- ${section}`);
    for (const c of cells) lines.push('  ' + c.map((v, i) => String(v).padEnd(widths[i]!)).join('  ').trimEnd());
  }
  process.stdout.write(lines.join('\n') + '\n');
  if (process.env.PIW_FAULTS_REPORT) {
    appendFileSync(process.env.PIW_FAULTS_REPORT, rows.map((r) => JSON.stringify({ title, ...r })).join('\n') + '\n');
  }
  rows.length = 0;
}

export const MiB = 1 << 20;
export const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;
