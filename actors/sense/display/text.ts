/**
 * Scrolling text for the matrix, in js-pixel-fonts' "Seven plus" (5x7 capitals, 4x7 digits,
 * proportional punctuation). Text is shown in capitals: the font's lower-case descenders need nine rows
 * and the matrix has eight (package names and host names read the same either way). Characters the font
 * lacks show as `?`.
 */
import pixelFonts from 'js-pixel-fonts';
import { add, type Rgb } from './colour.js';
import { Frame, SIZE } from './frame.js';

const FONT = pixelFonts.fonts.sevenPlus;

/** The rows the text takes at the top of the matrix; the eighth stays background. */
export const TEXT_ROWS = FONT.lineHeight;

/** A line of text as lit (1) and dark (0) columns, with a matrix-wide gap before and after it. */
export interface TextStrip {
  /** Columns, the gaps included. */
  width: number;
  /** TEXT_ROWS rows of `width` pixels. */
  rows: Uint8Array[];
}

/** What the font can draw of `text`. */
export function printable(text: string): string {
  return [...text.toUpperCase()].map((c) => (c !== '' && FONT.glyphs[c] ? c : '?')).join('');
}

export function textStrip(text: string): TextStrip {
  const drawn = printable(text);
  const glyphs = drawn === '' ? [] : pixelFonts.renderPixels(drawn, FONT);
  const inner = glyphs.reduce((w, row) => Math.max(w, row.length), 0);
  const width = inner + 2 * SIZE;
  const rows = Array.from({ length: TEXT_ROWS }, (_, y) => {
    const row = new Uint8Array(width);
    glyphs[y]?.forEach((lit, x) => (row[SIZE + x] = lit));
    return row;
  });
  return { width, rows };
}

/**
 * How far the text has scrolled after `step` frames: one column a frame, from the matrix empty with the
 * text about to enter on the right, until it has left on the left; then again.
 */
export function scrollOffset(strip: TextStrip, step: number): number {
  const span = strip.width - SIZE;
  return ((step % span) + span) % span;
}

/** Draws the strip's window at `offset` over the frame's top rows, its light added to what is there. */
export function drawText(frame: Frame, strip: TextStrip, offset: number, colour: Rgb): Frame {
  for (let y = 0; y < TEXT_ROWS; y++) {
    for (let x = 0; x < SIZE; x++) {
      if (strip.rows[y]![offset + x]) frame.set(x, y, add(frame.get(x, y), colour));
    }
  }
  return frame;
}
