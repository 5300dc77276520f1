/**
 * Text for a character grid: what a slave or master reports (labels, OS names, file names) is made safe to
 * print (control characters could move the cursor or change the terminal's modes) and fitted to a width
 * in terminal cells (East Asian wide characters and emoji take two).
 */

// C0 and C1 controls, DEL; bidirectional overrides (they reorder what follows on the line)
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// combining marks and zero-width characters: dropped rather than drawn in a cell of their own
const ZERO_WIDTH = /[\u0300-\u036f\u200b-\u200f\u2028\u2029\u2060-\u2064\ufe00-\ufe0f\ufeff]/g;

export function sanitize(text: string): string {
  return text.replace(CONTROL, '?').replace(ZERO_WIDTH, '');
}

/** Cells a (sanitized) character takes. */
export function charWidth(cp: number): 1 | 2 {
  return (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
    ? 2
    : 1;
}

export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** `text` in exactly `width` cells: cut with `…` when too long, padded with spaces (left, or right-aligned). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const clean = sanitize(text);
  const w = textWidth(clean);
  if (w <= width) return align === 'left' ? clean + ' '.repeat(width - w) : ' '.repeat(width - w) + clean;
  let out = '';
  let used = 0;
  for (const ch of clean) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (used + cw > width - 1) break;
    out += ch;
    used += cw;
  }
  return out + ' '.repeat(width - 1 - used) + '…';
}
