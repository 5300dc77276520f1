/**
 * The drawing's one font. Monospaced, so a label's width is known without a browser to measure it: every
 * common monospace face (DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, Courier) advances about 0.6 em
 * per character, and the layout leaves room for that, so labels never overlap whichever face a viewer has.
 */
export const FONT_FAMILY = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace";
export const FONT_SIZE = 12;
export const SMALL_FONT_SIZE = 11;
export const LINE_HEIGHT = 16;

/** 0.6 em rounded up a little: Consolas and DejaVu advance 0.55 and 0.602. */
const ADVANCE_EM = 0.61;

export function textWidth(text: string, size = FONT_SIZE): number {
  return Math.ceil([...text].length * size * ADVANCE_EM);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Items joined by commas, in lines of at most `width` characters (a longer item gets a line of its own). */
export function wrapList(items: string[], width: number, prefix = ''): string[] {
  const lines: string[] = [];
  let line = prefix;
  items.forEach((item, i) => {
    const piece = item + (i < items.length - 1 ? ',' : '');
    if (line.trim() && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = piece;
    } else line += (line ? ' ' : '') + piece;
  });
  lines.push(line);
  return lines;
}
