/**
 * The times of an Apache access log: `%t` (`[10/Oct/2000:13:55:36 -0700]`), `%{sec|msec|usec}t`,
 * `%{msec_frac|usec_frac}t` and `%{strftime format}t`. Several time directives may describe one time
 * (Apache's own example: `[%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t]`), so each writes the parts it reads into
 * one `TimeParts`, resolved once the line is read. A time without a zone (`%{%Y-%m-%d %T}t`) is the local
 * time of this machine, as Apache wrote it.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_FULL = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const WEEKDAYS_FULL = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Month number (0-11) of a three-letter English abbreviation, by its three char codes. */
const MONTH_BY_KEY = new Map<number, number>(MONTHS.map((m, i) => [(m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), i]));

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

function two(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

/**
 * `10/Oct/2000:13:55:36 -0700` (the text between `%t`'s brackets) → milliseconds since the epoch (UTC),
 * or NaN when it is not exactly that shape.
 */
export function parseCommonLogTime(s: string): number {
  if (s.length !== 26 || s.charCodeAt(2) !== 47 || s.charCodeAt(6) !== 47 || s.charCodeAt(11) !== 58) return NaN;
  if (s.charCodeAt(14) !== 58 || s.charCodeAt(17) !== 58 || s.charCodeAt(20) !== 32) return NaN;
  const month = MONTH_BY_KEY.get((s.charCodeAt(3) << 16) | (s.charCodeAt(4) << 8) | s.charCodeAt(5));
  if (month === undefined) return NaN;
  const day = two(s, 0);
  const year = two(s, 7) * 100 + two(s, 9);
  const hour = two(s, 12);
  const minute = two(s, 15);
  const second = two(s, 18);
  const sign = s.charCodeAt(21);
  const offset = two(s, 22) * 60 + two(s, 24);
  if (sign !== 43 && sign !== 45) return NaN;
  if (!(day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60)) return NaN;
  const local = Date.UTC(year, month, day, hour, minute, second);
  return sign === 45 ? local + offset * 60_000 : local - offset * 60_000;
}

/** What the time directives of one line have read. */
export class TimeParts {
  year = NaN;
  month = NaN;
  day = NaN;
  hour = 0;
  hour12 = NaN;
  pm: boolean | undefined = undefined;
  minute = 0;
  second = 0;
  fracMs = 0;
  /** Minutes east of UTC; NaN when no zone was read (local time). */
  offsetMin = NaN;
  /** Set by `%t`, `%s` and `%{sec|msec|usec}t`: the whole time, bar a fraction. */
  epochMs = NaN;

  reset(): void {
    this.year = this.month = this.day = this.hour12 = this.offsetMin = this.epochMs = NaN;
    this.hour = this.minute = this.second = this.fracMs = 0;
    this.pm = undefined;
  }

  /** Milliseconds since the epoch, or NaN when the parts do not make a time. */
  resolve(): number {
    if (!Number.isNaN(this.epochMs)) return this.epochMs + this.fracMs;
    if (Number.isNaN(this.year) || Number.isNaN(this.month) || Number.isNaN(this.day)) return NaN;
    let hour = this.hour;
    if (!Number.isNaN(this.hour12)) hour = (this.hour12 % 12) + (this.pm ? 12 : 0);
    if (Number.isNaN(this.offsetMin)) {
      return new Date(this.year, this.month, this.day, hour, this.minute, this.second, this.fracMs).getTime();
    }
    return Date.UTC(this.year, this.month, this.day, hour, this.minute, this.second, this.fracMs) - this.offsetMin * 60_000;
  }
}

/** Reads one time directive's text from `line` at `pos` into `parts`; returns the end position or -1. */
export type TimeScanner = (line: string, pos: number, parts: TimeParts) => number;

type Setter = (parts: TimeParts, value: number) => void;

const ignore: Setter = () => {};

interface NumberField {
  width: number;
  /** Leading spaces instead of zeros (`%e`, `%k`, `%l`). */
  spacePadded: boolean;
  /** Any number of digits, optionally negative (`%s`). */
  variable: boolean;
  set: Setter;
}

type Op = { lit: string } | { num: NumberField } | { names: readonly string[]; set: Setter } | { zone: true } | { zoneName: true } | { ampm: true };

const EXPANSIONS: Record<string, string> = {
  T: '%H:%M:%S',
  D: '%m/%d/%y',
  F: '%Y-%m-%d',
  R: '%H:%M',
  r: '%I:%M:%S %p',
  c: '%a %b %e %H:%M:%S %Y',
  x: '%m/%d/%y',
  X: '%H:%M:%S',
  h: '%b',
  n: '\n',
  t: '\t',
};

const num = (width: number, set: Setter, spacePadded = false): Op => ({ num: { width, spacePadded, variable: false, set } });

const NUMBERS: Record<string, Op> = {
  Y: num(4, (p, v) => (p.year = v)),
  y: num(2, (p, v) => (p.year = v < 69 ? 2000 + v : 1900 + v)),
  C: num(2, ignore),
  G: num(4, ignore),
  g: num(2, ignore),
  m: num(2, (p, v) => (p.month = v - 1)),
  d: num(2, (p, v) => (p.day = v)),
  e: num(2, (p, v) => (p.day = v), true),
  // A day of the year is day N of January: Date.UTC carries it into the right month.
  j: num(3, (p, v) => {
    p.month = 0;
    p.day = v;
  }),
  H: num(2, (p, v) => (p.hour = v)),
  k: num(2, (p, v) => (p.hour = v), true),
  I: num(2, (p, v) => (p.hour12 = v)),
  l: num(2, (p, v) => (p.hour12 = v), true),
  M: num(2, (p, v) => (p.minute = v)),
  S: num(2, (p, v) => (p.second = v)),
  u: num(1, ignore),
  w: num(1, ignore),
  U: num(2, ignore),
  W: num(2, ignore),
  V: num(2, ignore),
  s: { num: { width: 0, spacePadded: false, variable: true, set: (p, v) => (p.epochMs = v * 1000) } },
};

function compileOps(format: string, fail: (problem: string) => never, depth = 0): Op[] {
  const ops: Op[] = [];
  let lit = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      lit += c;
      continue;
    }
    const d = format[++i];
    if (d === undefined) fail(`the time format ${JSON.stringify(format)} ends with a lone %`);
    if (d === '%') {
      lit += '%';
      continue;
    }
    const expansion = EXPANSIONS[d];
    if (expansion !== undefined && depth === 0) {
      const inner = compileOps(expansion, fail, depth + 1);
      for (const op of inner) {
        if ('lit' in op) lit += op.lit;
        else {
          if (lit) ops.push({ lit });
          lit = '';
          ops.push(op);
        }
      }
      continue;
    }
    let op: Op | undefined = NUMBERS[d];
    if (op === undefined) {
      if (d === 'b') op = { names: MONTHS, set: (p, v) => (p.month = v) };
      else if (d === 'B') op = { names: MONTHS_FULL, set: (p, v) => (p.month = v) };
      else if (d === 'a') op = { names: WEEKDAYS, set: ignore };
      else if (d === 'A') op = { names: WEEKDAYS_FULL, set: ignore };
      else if (d === 'p') op = { ampm: true };
      else if (d === 'z') op = { zone: true };
      else if (d === 'Z') op = { zoneName: true };
      else fail(`the time format ${JSON.stringify(format)} uses %${d}, which piw-logger does not support`);
    }
    if (lit) ops.push({ lit });
    lit = '';
    ops.push(op);
  }
  if (lit) ops.push({ lit });
  return ops;
}

function scanNumber(line: string, pos: number, field: NumberField, parts: TimeParts): number {
  let i = pos;
  let value = 0;
  if (field.variable) {
    const negative = line.charCodeAt(i) === 45;
    if (negative) i++;
    const start = i;
    while (i < line.length && !Number.isNaN(digit(line, i))) value = value * 10 + digit(line, i++);
    if (i === start) return -1;
    field.set(parts, negative ? -value : value);
    return i;
  }
  const end = pos + field.width;
  if (end > line.length) return -1;
  if (field.spacePadded) while (i < end - 1 && line.charCodeAt(i) === 32) i++;
  for (; i < end; i++) {
    const d = digit(line, i);
    if (Number.isNaN(d)) return -1;
    value = value * 10 + d;
  }
  field.set(parts, value);
  return end;
}

function scanZone(line: string, pos: number, parts: TimeParts): number {
  const sign = line.charCodeAt(pos);
  if (sign !== 43 && sign !== 45) {
    if (line.charCodeAt(pos) === 90) {
      parts.offsetMin = 0;
      return pos + 1;
    }
    return -1;
  }
  const colon = line.charCodeAt(pos + 3) === 58 ? 1 : 0;
  const hours = two(line, pos + 1);
  const minutes = two(line, pos + 3 + colon);
  if (Number.isNaN(hours) || Number.isNaN(minutes)) return -1;
  parts.offsetMin = (sign === 45 ? -1 : 1) * (hours * 60 + minutes);
  return pos + 5 + colon;
}

function scanZoneName(line: string, pos: number, parts: TimeParts): number {
  let i = pos;
  while (i < line.length) {
    const c = line.charCodeAt(i) | 0x20;
    if (c < 97 || c > 122) break;
    i++;
  }
  if (i === pos) return -1;
  const name = line.slice(pos, i);
  if (name === 'UTC' || name === 'GMT' || name === 'Z') parts.offsetMin = 0;
  return i;
}

function scanName(line: string, pos: number, names: readonly string[]): number {
  for (let n = 0; n < names.length; n++) if (line.startsWith(names[n]!, pos)) return n;
  return -1;
}

/** Compiles the format of a `%{format}t` directive (strftime, C locale). */
export function compileStrftime(format: string, fail: (problem: string) => never): TimeScanner {
  const ops = compileOps(format, fail);
  return (line, pos, parts) => {
    for (const op of ops) {
      if ('lit' in op) {
        if (!line.startsWith(op.lit, pos)) return -1;
        pos += op.lit.length;
      } else if ('num' in op) {
        pos = scanNumber(line, pos, op.num, parts);
        if (pos < 0) return -1;
      } else if ('names' in op) {
        const n = scanName(line, pos, op.names);
        if (n < 0) return -1;
        op.set(parts, n);
        pos += op.names[n]!.length;
      } else if ('zone' in op) {
        pos = scanZone(line, pos, parts);
        if (pos < 0) return -1;
      } else if ('zoneName' in op) {
        pos = scanZoneName(line, pos, parts);
        if (pos < 0) return -1;
      } else {
        const ampm = line.slice(pos, pos + 2).toUpperCase();
        if (ampm !== 'AM' && ampm !== 'PM') return -1;
        parts.pm = ampm === 'PM';
        pos += 2;
      }
    }
    return pos;
  };
}

/** `%{sec}t` and friends: a whole number of `unit` milliseconds since the epoch. */
export function epochScanner(msPerUnit: number): TimeScanner {
  const field: NumberField = {
    width: 0,
    spacePadded: false,
    variable: true,
    set: (p, v) => (p.epochMs = Math.floor(v * msPerUnit)),
  };
  return (line, pos, parts) => scanNumber(line, pos, field, parts);
}

/** `%{msec_frac}t` (3 digits) and `%{usec_frac}t` (6 digits): the fraction of the second. */
export function fractionScanner(digits: 3 | 6): TimeScanner {
  const field: NumberField = {
    width: digits,
    spacePadded: false,
    variable: false,
    set: (p, v) => (p.fracMs = digits === 3 ? v : Math.floor(v / 1000)),
  };
  return (line, pos, parts) => scanNumber(line, pos, field, parts);
}
