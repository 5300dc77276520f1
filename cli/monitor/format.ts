/** How piw-monitor writes numbers, sizes, durations and times (0.18's monitor: `format_size`, `H:MM:SS`). */
import { formatSize, thousands } from '../../actors/scribe/format.js';

export { formatSize, thousands };

/** `0:03:10`, `12:00:05`, `3d 04:10` (a column stays narrow); `-` for unknown. */
export function formatAge(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const s = String(total % 60).padStart(2, '0');
  return days > 0 ? `${days}d ${String(h).padStart(2, '0')}:${m}` : `${h}:${m}:${s}`;
}

/** `5s`, `3m`, `2h`, `4d`: how long ago, roughly. */
export function formatAgo(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'never';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `2026-12-07 05:03:10` in local time (the monitor runs beside the master). */
export function formatTime(at: number | null): string {
  if (at === null) return '-';
  const d = new Date(at);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** `+2s`, `-1.5s`: a clock difference. */
export function formatSkew(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 100) / 10;
  return `${s >= 0 ? '+' : ''}${s}s`;
}

/** `60%`. */
export function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}
