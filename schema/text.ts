/**
 * Text from outside (build logs, web-log fields) made storable, as 0.18 cleaned it: control characters
 * other than tab, newline, form feed and carriage return become U+FFFD (PostgreSQL refuses NUL in text
 * anyway), and a value longer than its column is cut to the column's width.
 */

const CONTROL = /[\x00-\x08\x0b\x0e-\x1f\x7f]/g;

/** Replaces the control characters 0.18 replaced (all but \t \n \f \r) with U+FFFD. */
export function sanitize(text: string): string {
  return text.replace(CONTROL, '\ufffd');
}

/** Sanitised and cut to `width` characters: code points, as a VARCHAR's limit counts them. */
export function fitText(text: string, width: number): string;
export function fitText(text: string | null, width: number): string | null;
export function fitText(text: string | null, width: number): string | null {
  if (text === null) return null;
  const clean = sanitize(text);
  // A string of no more UTF-16 units than the width has no more characters either.
  if (clean.length <= width) return clean;
  let units = 0;
  for (let chars = 0; chars < width && units < clean.length; chars++) units += clean.codePointAt(units)! > 0xffff ? 2 : 1;
  return clean.slice(0, units);
}
