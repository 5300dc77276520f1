/**
 * A screen's worth of styled text: rows of spans, exactly `width` cells each, plus where a click lands.
 * Built by screen.ts from the farm model, drawn by terminal.ts, compared by key to skip redraws that
 * would change nothing.
 */
import type { Style } from './palette.js';
import { NORMAL } from './palette.js';
import { fit, sanitize, textWidth } from './text.js';
import type { Target } from './ui.js';

export interface Span {
  text: string;
  style: Style;
}

export interface Hit {
  row: number;
  /** Columns [from, to). */
  from: number;
  to: number;
  target: Target;
}

export interface Frame {
  width: number;
  height: number;
  rows: Span[][];
  hits: Hit[];
}

/** One row being written left to right; `done()` cuts or pads it to the width. */
export class RowWriter {
  readonly spans: Span[] = [];
  used = 0;

  constructor(readonly width: number) {}

  /** Appends text (made safe to print); returns the columns it took. */
  add(text: string, style: Style = NORMAL): { from: number; to: number } {
    const from = this.used;
    const room = this.width - this.used;
    if (room <= 0 || text === '') return { from, to: from };
    const clean = sanitize(text);
    const w = textWidth(clean);
    const shown = w <= room ? clean : fit(clean, room);
    this.spans.push({ text: shown, style });
    this.used += Math.min(w, room);
    return { from, to: this.used };
  }

  /** Appends text in a field of `width` cells. */
  field(text: string, width: number, style: Style = NORMAL, align: 'left' | 'right' = 'left'): { from: number; to: number } {
    return this.add(fit(text, width, align), style);
  }

  /** Fills the rest of the row with `style` (a coloured bar) or plain spaces. */
  done(style: Style = NORMAL): Span[] {
    if (this.used < this.width) this.add(' '.repeat(this.width - this.used), style);
    return this.spans;
  }
}

const styleKey = (s: Style) => `${s.color ?? ''}/${s.bgColor ?? ''}/${s.bold ? 'b' : ''}${s.dim ? 'd' : ''}${s.inverse ? 'i' : ''}`;

/** Two frames with the same key look the same on screen. */
export function frameKey(frame: Frame): string {
  let key = `${frame.width}x${frame.height}\n`;
  for (const row of frame.rows) {
    for (const span of row) key += `${styleKey(span.style)}\u0001${span.text}\u0002`;
    key += '\n';
  }
  return key;
}

/** The frame's text, one line per row (tests, and the README's capture). */
export function frameText(frame: Frame): string {
  return frame.rows.map((row) => row.map((s) => s.text).join('').trimEnd()).join('\n');
}
