/** Small charts in text cells: a sparkline (one of eight heights per cell) and a bar. */

const TICKS = '▁▂▃▄▅▆▇█';

/**
 * `values` (oldest first; null: no data) as `width` cells, scaled from 0 to the largest value; the newest
 * values are kept when there are more than cells. A gap stays blank.
 */
export function sparkline(values: readonly (number | null)[], width: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const max = Math.max(0, ...shown.map((v) => v ?? 0));
  const cells = shown.map((v) => {
    if (v === null) return ' ';
    if (max === 0) return TICKS[0]!;
    return TICKS[Math.min(TICKS.length - 1, Math.round((v / max) * (TICKS.length - 1)))]!;
  });
  return ' '.repeat(width - cells.length) + cells.join('');
}

/** A bar `width` cells wide filled to `ratio` (0–1): the filled and the empty part, to style apart. */
export function bar(ratio: number, width: number): { filled: string; empty: string } {
  const n = Math.max(0, Math.min(width, Math.round(Math.max(0, Math.min(1, ratio)) * width)));
  return { filled: '█'.repeat(n), empty: '░'.repeat(Math.max(0, width - n)) };
}
