/**
 * Apache's log escaping undone. mod_log_config writes `"` and `\` as `\"` and `\\`, the usual control
 * characters as `\b \n \r \t \v`, and every other non-printable byte (anything above 0x7e included) as
 * `\xhh` (ap_escape_logitem). Escaped bytes above 0x7f are UTF-8 more often than not, so a run of them is
 * decoded as UTF-8 (invalid sequences become U+FFFD). An unknown escape is kept as written.
 */

const SIMPLE: Record<string, string> = { '"': '"', b: '\b', n: '\n', r: '\r', t: '\t', v: '\v' };

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** An escape JSON would read differently from Apache (`\xhh`, `\v`, `\/`, `\u…`, or one Apache never writes). */
const NOT_LIKE_JSON = /\\[^"\\bnrt]/;

/**
 * The text of a log field from its raw characters. When every escape means in JSON what it means to
 * Apache (`\"`, `\\`, `\b`, `\n`, `\r`, `\t`: pip's User-Agent JSON), the field is a JSON string body
 * and V8's JSON parser undoes it several times faster than any scanner here; a raw control character
 * (never written by Apache) makes that fail, and the general path below takes over.
 */
export function unescapeLogItem(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  if (!NOT_LIKE_JSON.test(raw)) {
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      // Not a JSON string body after all.
    }
  }
  // Split on backslashes: each piece after the first starts with what was escaped.
  const parts = raw.split('\\');
  const out: string[] = [parts[0]!];
  let bytes: number[] | undefined;
  const flushBytes = () => {
    if (bytes) out.push(Buffer.from(bytes).toString('utf8'));
    bytes = undefined;
  };
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === '') {
      // `\\`: a backslash, and the piece after it was not escaped. A lone trailing backslash stays.
      flushBytes();
      out.push(i + 1 < parts.length ? `\\${parts[++i]}` : '\\');
      continue;
    }
    if (part.charCodeAt(0) === 120 && part.length >= 3) {
      const hi = hexDigit(part.charCodeAt(1));
      const lo = hexDigit(part.charCodeAt(2));
      if (hi >= 0 && lo >= 0) {
        const byte = hi * 16 + lo;
        if (byte >= 0x80) (bytes ??= []).push(byte);
        else {
          flushBytes();
          out.push(String.fromCharCode(byte));
        }
        if (part.length > 3) {
          flushBytes();
          out.push(part.slice(3));
        }
        continue;
      }
    }
    flushBytes();
    const simple = SIMPLE[part[0]!];
    out.push(simple === undefined ? `\\${part}` : simple + part.slice(1));
  }
  flushBytes();
  return out.join('');
}

/**
 * Where a quoted field ends: the index of the first `"` at or after `from` that is not escaped, or -1.
 * A quote is escaped when an odd number of backslashes stands before it.
 */
export function findClosingQuote(line: string, from: number): number {
  let quote = line.indexOf('"', from);
  while (quote >= 0) {
    let slashes = 0;
    for (let i = quote - 1; i >= from && line.charCodeAt(i) === 92; i--) slashes++;
    if ((slashes & 1) === 0) return quote;
    quote = line.indexOf('"', quote + 1);
  }
  return -1;
}
