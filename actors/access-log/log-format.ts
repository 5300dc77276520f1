/**
 * Apache `LogFormat` strings compiled into line parsers (mod_log_config's syntax; web-templates/README.md §7).
 *
 * A format is cut into literals and directives. Each directive gets a scanner that finds where its text
 * ends without backtracking: a quoted directive (`"%r"`, `"%{User-Agent}i"`) ends at the first unescaped
 * quote, `%t` at its closing bracket, `%{…}t` where its strftime format says, and any other directive at
 * the next occurrence of the literal that follows it (or the end of the line). Only the fields piw-logger
 * uses are copied out of the line: client address (`%h`, else `%a`), time, URL path (`%r`, else `%U`),
 * status (`%>s`, else `%s`) and User-Agent (`%{User-Agent}i`, any capitalisation). A line that does not
 * fit the format exactly is malformed: `parse` returns undefined and the caller counts it.
 */
import { findClosingQuote, unescapeLogItem } from './apache-escape.js';
import { TimeParts, compileStrftime, epochScanner, fractionScanner, parseCommonLogTime, type TimeScanner } from './apache-time.js';
import { loggerErrors } from './errors.js';
import { requestLinePath, urlPath } from './request-line.js';

/** The short-cuts `--format` accepts, as Apache (and 0.18's piw-logger) define them. */
export const NAMED_FORMATS: Readonly<Record<string, string>> = {
  common: '%h %l %u %t "%r" %>s %b',
  combined: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
  common_vhost: '%v %h %l %u %t "%r" %>s %b',
  // Debian's default for virtual hosts (apache2.conf).
  vhost_combined: '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
};

/** One access-log line, as far as piw-logger cares. */
export interface LogLine {
  /** The client address as logged (`%h`, else `%a`). */
  host: string;
  /** Milliseconds since the epoch (UTC). */
  time: number;
  /** The URL path, without query string. */
  path: string;
  status: number;
  /** Null when the format has no User-Agent or the line logged `-` (no header). */
  userAgent: string | null;
}

export interface LogLineParser {
  /** The LogFormat string (a short-cut already expanded). */
  readonly format: string;
  /** False when the format logs no User-Agent: then every line is ignored (web-templates/README.md §7). */
  readonly hasUserAgent: boolean;
  /** The line's fields, or undefined when it does not fit the format. */
  parse(line: string): LogLine | undefined;
}

interface Directive {
  /** As written, for messages: `%>s`, `%{User-Agent}i`. */
  text: string;
  /** The letter, or `^ti` / `^to`. */
  letter: string;
  arg: string | undefined;
  /** `<` (original request) or `>` (final request). */
  which: '<' | '>' | undefined;
}

type Item = { lit: string } | Directive;

// Letters of mod_log_config (and mod_logio, mod_ssl's %{…}x, mod_headers' trailers) whose text is skipped.
const PLAIN_DIRECTIVES = new Set('aABbCDefhHiIklLmnopPqRsSTuUvVXxOr'.split('').concat(['^ti', '^to']));
const ARG_REQUIRED = new Set(['C', 'e', 'i', 'n', 'o', 'x', '^ti', '^to']);

/** Backslash escapes in a LogFormat string, as httpd's config parser reads them. */
function unescapeFormat(format: string): string {
  return format.replace(/\\(["\\nt])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

function tokenize(format: string, fail: (problem: string) => never): Item[] {
  const items: Item[] = [];
  let lit = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c !== '%') {
      lit += c;
      i++;
      continue;
    }
    const start = i++;
    if (format[i] === '%') {
      lit += '%';
      i++;
      continue;
    }
    let arg: string | undefined;
    let which: '<' | '>' | undefined;
    // Conditions (`%400,501{…}i`, `%!200…`), `<`/`>` and `{arg}`, in any order, before the letter.
    for (;;) {
      const m = format[i];
      if (m === undefined) fail(`"${format.slice(start)}" at the end is not a complete directive`);
      if (m === '<' || m === '>') which = m;
      else if (m === '{') {
        const close = format.indexOf('}', i + 1);
        if (close < 0) fail(`"${format.slice(start)}" has no closing }`);
        arg = format.slice(i + 1, close);
        i = close;
      } else if (!(m === '!' || m === ',' || (m >= '0' && m <= '9'))) break;
      i++;
    }
    let letter = format[i]!;
    if (letter === '^') {
      letter = format.slice(i, i + 3);
      i += 2;
    }
    i++;
    const text = format.slice(start, i);
    if (letter !== 't' && !PLAIN_DIRECTIVES.has(letter)) fail(`${text} is not a directive piw-logger supports`);
    if (ARG_REQUIRED.has(letter) && arg === undefined) fail(`${text} needs a {name}`);
    if (lit) items.push({ lit });
    lit = '';
    items.push({ text, letter, arg, which });
  }
  if (lit) items.push({ lit });
  return items;
}

// Step kinds.
const LITERAL = 0;
const QUOTED = 1;
const TOKEN = 2;
const TIME = 3;
const COMMON_TIME = 4;

// What a step's text is for.
const SKIP = 0;
const HOST = 1;
const ADDRESS = 2;
const REQUEST = 3;
const URL_PATH = 4;
const STATUS = 5;
const FINAL_STATUS = 6;
const USER_AGENT = 7;

interface Step {
  kind: number;
  role: number;
  /** LITERAL: the text; TOKEN: the literal that ends it ('' = the end of the line). */
  text: string;
  /** TOKEN: also ends at `?` (`%U` directly followed by `%q`). */
  stopAtQuery: boolean;
  time: TimeScanner | undefined;
}

function roleOf(d: Directive): number {
  switch (d.letter) {
    case 'h':
      return HOST;
    case 'a':
      return d.arg === undefined ? ADDRESS : SKIP;
    case 'r':
      return REQUEST;
    case 'U':
      return URL_PATH;
    case 's':
      return d.which === '>' ? FINAL_STATUS : STATUS;
    case 'i':
      return d.arg!.toLowerCase() === 'user-agent' ? USER_AGENT : SKIP;
    default:
      return SKIP;
  }
}

function timeScanner(d: Directive, fail: (problem: string) => never): TimeScanner | undefined {
  if (d.arg === undefined) return undefined;
  const arg = d.arg.replace(/^(begin|end):/, '');
  switch (arg) {
    case 'sec':
      return epochScanner(1000);
    case 'msec':
      return epochScanner(1);
    case 'usec':
      return epochScanner(0.001);
    case 'msec_frac':
      return fractionScanner(3);
    case 'usec_frac':
      return fractionScanner(6);
    default:
      return compileStrftime(arg, fail);
  }
}

function compile(format: string): Step[] {
  const fail = (problem: string): never => {
    throw loggerErrors.format(format, problem);
  };
  const items = tokenize(unescapeFormat(format), fail);
  const steps: Step[] = [];
  const roles = new Set<number>();
  let times = 0;
  items.forEach((item, n) => {
    if ('lit' in item) {
      steps.push({ kind: LITERAL, role: SKIP, text: item.lit, stopAtQuery: false, time: undefined });
      return;
    }
    const before = items[n - 1];
    const after = items[n + 1];
    const role = roleOf(item);
    roles.add(role);
    if (item.letter === 't') {
      times++;
      const time = timeScanner(item, fail);
      steps.push({ kind: time ? TIME : COMMON_TIME, role: SKIP, text: '', stopAtQuery: false, time });
      return;
    }
    const quoted = before !== undefined && 'lit' in before && before.lit.endsWith('"') && after !== undefined && 'lit' in after && after.lit.startsWith('"');
    if (quoted) {
      steps.push({ kind: QUOTED, role, text: '', stopAtQuery: false, time: undefined });
      return;
    }
    if ((role === REQUEST || role === USER_AGENT) && after !== undefined) {
      fail(`${item.text} must be written in quotes ("${item.text}"): its text contains spaces`);
    }
    let stopAtQuery = false;
    let end = after;
    if (after !== undefined && !('lit' in after)) {
      // `%U%q`: the query string starts with `?` (or is empty); any other pair cannot be told apart.
      if (!(item.letter === 'U' && after.letter === 'q')) {
        fail(`${item.text}${after.text}: two directives with nothing between them cannot be told apart`);
      }
      stopAtQuery = true;
      end = items[n + 2];
      if (end !== undefined && !('lit' in end)) fail(`${after.text} must be followed by text or the end of the format`);
    }
    steps.push({ kind: TOKEN, role, text: end === undefined ? '' : (end as { lit: string }).lit, stopAtQuery, time: undefined });
  });
  if (!roles.has(HOST) && !roles.has(ADDRESS)) fail('it has no %h (or %a): piw-logger needs the client address');
  if (times === 0) fail('it has no %t: piw-logger needs the time of each request');
  if (!roles.has(REQUEST) && !roles.has(URL_PATH)) fail('it has no "%r" (or %U): piw-logger needs the requested path');
  if (!roles.has(STATUS) && !roles.has(FINAL_STATUS)) fail('it has no %>s (or %s): piw-logger needs the status');
  return steps;
}

/** A three-digit status code, else NaN. */
function parseStatus(text: string): number {
  if (text.length !== 3) return NaN;
  let n = 0;
  for (let i = 0; i < 3; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

class CompiledParser implements LogLineParser {
  readonly hasUserAgent: boolean;
  private readonly steps: Step[];
  private readonly parts = new TimeParts();
  private lastTimeText = '';
  private lastTime = NaN;

  constructor(readonly format: string) {
    this.steps = compile(format);
    this.hasUserAgent = this.steps.some((s) => s.role === USER_AGENT);
  }

  /** `%t`: `[10/Oct/2000:13:55:36 -0700]`. Consecutive lines mostly share a second, so the last is kept. */
  private commonTime(line: string, pos: number): number {
    if (line.charCodeAt(pos) !== 91) return -1;
    const close = line.indexOf(']', pos + 1);
    if (close < 0) return -1;
    if (close - pos - 1 === this.lastTimeText.length && line.startsWith(this.lastTimeText, pos + 1)) {
      this.parts.epochMs = this.lastTime;
    } else {
      const text = line.slice(pos + 1, close);
      const time = parseCommonLogTime(text);
      if (Number.isNaN(time)) return -1;
      this.lastTimeText = text;
      this.lastTime = this.parts.epochMs = time;
    }
    return close + 1;
  }

  parse(line: string): LogLine | undefined {
    let host: string | undefined;
    let address: string | undefined;
    let path: string | undefined;
    let urlPathText: string | undefined;
    let status = NaN;
    let finalStatus = NaN;
    let userAgent: string | null = null;
    const parts = this.parts;
    parts.reset();
    let pos = 0;
    const steps = this.steps;
    for (let n = 0; n < steps.length; n++) {
      const step = steps[n]!;
      let end: number;
      switch (step.kind) {
        case LITERAL:
          if (!line.startsWith(step.text, pos)) return undefined;
          pos += step.text.length;
          continue;
        case COMMON_TIME:
          pos = this.commonTime(line, pos);
          if (pos < 0) return undefined;
          continue;
        case TIME:
          pos = step.time!(line, pos, parts);
          if (pos < 0) return undefined;
          continue;
        case QUOTED:
          end = findClosingQuote(line, pos);
          break;
        default:
          end = step.text === '' ? line.length : line.indexOf(step.text, pos);
          if (step.stopAtQuery) {
            const query = line.indexOf('?', pos);
            if (query >= 0 && (query < end || end < 0)) end = query;
          }
      }
      if (end < 0) return undefined;
      if (step.role !== SKIP) {
        const raw = line.slice(pos, end);
        const text = unescapeLogItem(raw);
        switch (step.role) {
          case HOST:
            host = text;
            break;
          case ADDRESS:
            address = text;
            break;
          case REQUEST:
            path = requestLinePath(text);
            if (path === undefined) return undefined;
            break;
          case URL_PATH:
            urlPathText = urlPath(text);
            break;
          case STATUS:
            status = parseStatus(text);
            break;
          case FINAL_STATUS:
            finalStatus = parseStatus(text);
            break;
          case USER_AGENT:
            userAgent = text === '-' ? null : text;
            break;
        }
      }
      pos = end;
    }
    if (pos !== line.length) return undefined;
    const time = parts.resolve();
    const code = Number.isNaN(finalStatus) ? status : finalStatus;
    const client = host ?? address;
    const where = path ?? urlPathText;
    if (Number.isNaN(time) || Number.isNaN(code) || !client || client === '-' || where === undefined) return undefined;
    return { host: client, time, path: where, status: code, userAgent };
  }
}

/**
 * Compiles `--format`: a short-cut (`combined`, `common`, `common_vhost`, `vhost_combined`) or a LogFormat
 * string. Throws PIW_ERR_LOG_FORMAT, naming the problem, for a directive piw-logger does not support or a
 * format without the fields it needs.
 */
export function compileLogFormat(format: string): LogLineParser {
  return new CompiledParser(NAMED_FORMATS[format] ?? format);
}
