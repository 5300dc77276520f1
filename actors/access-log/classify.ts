/**
 * Which access-log lines become records, and what goes in them (web-templates/README.md §7). A line counts only
 * with status exactly 200 and a User-Agent; then the first matching rule decides, on the URL path alone
 * (globs are case-sensitive and `*` crosses `/`):
 *
 * | # | UA       | path                         | result      |
 * |---|----------|------------------------------|-------------|
 * | 1 | `pip/*`  | `/simple/`                   | ignored     |
 * | 2 | any      | `/project/`                  | ignored     |
 * | 3 | `pip/*`  | `/simple/*.whl`              | LOGDOWNLOAD |
 * | 4 | `pip/*`  | `/simple/*`                  | LOGSEARCH   |
 * | 5 | any      | `/project/*\/json/`          | LOGJSON     |
 * | 6 | any      | `/project/*\/json/index.json` | LOGJSON     |
 * | 7 | any      | `/project/*`                 | LOGPROJECT  |
 * | 8 | any      | `/`                          | LOGPAGE     |
 * | 9 | any      | `/*.html`                    | LOGPAGE     |
 *
 * Names taken from the path are percent-decoded (pip asks for `foo-1.0%2Blocal-….whl`), so a download
 * names the file as the index lists it.
 */
import type { Message } from '../../protocols/protocol.js';
import type { loggerProtocol } from '../../protocols/lumberjack.js';
import { canonicalizeName } from '../../protocols/packaging/wheel-filename.js';
import type { LogLine } from './log-format.js';
import { pipUserData } from './pip-user-agent.js';

/** A record for the log queue, as piw-logger sends it. */
export type LogMessage = Message<(typeof loggerProtocol)['send']>;
export type LogVerb = LogMessage['verb'];

const SIMPLE = '/simple/';
const PROJECT = '/project/';
const JSON_DIR = '/json/';
const JSON_INDEX = '/json/index.json';

/** `prefix*suffix` with `*` matching anything (including `/`), the two ends not overlapping. */
function between(path: string, prefix: string, suffix: string): boolean {
  return path.length >= prefix.length + suffix.length && path.startsWith(prefix) && path.endsWith(suffix);
}

function decoded(text: string): string {
  if (text.indexOf('%') < 0) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The canonical name in the path's third segment: `/project/Flask/` → `flask`. */
function packageOf(path: string, prefixLength: number): string {
  const slash = path.indexOf('/', prefixLength);
  return canonicalizeName(decoded(path.slice(prefixLength, slash < 0 ? path.length : slash)));
}

/** `home` for `/` and `/index.html`; otherwise the path without its slashes and `.html`. */
export function pageName(path: string): string {
  if (path === '/' || path === '/index.html') return 'home';
  return decoded(path).replaceAll('/', '').replaceAll('.html', '');
}

/** The product token of a User-Agent, lower-cased: `Wget/1.20.3 (linux-gnu)` → `wget`. */
export function productToken(userAgent: string): string {
  const slash = userAgent.indexOf('/');
  return (slash < 0 ? userAgent : userAgent.slice(0, slash)).toLowerCase();
}

/** The record a line becomes, or undefined when it is ignored. */
export function classify(line: LogLine): LogMessage | undefined {
  const { path, userAgent: ua } = line;
  if (line.status !== 200 || ua === null) return undefined;
  const pip = ua.startsWith('pip/');
  if (pip && path === SIMPLE) return undefined;
  if (path === PROJECT) return undefined;
  if (pip && path.startsWith(SIMPLE)) {
    const when = new Date(line.time);
    if (between(path, SIMPLE, '.whl')) {
      const filename = decoded(path.slice(path.lastIndexOf('/') + 1));
      return { verb: 'LOGDOWNLOAD', data: [filename, line.host, when, ...pipUserData(ua)] };
    }
    return { verb: 'LOGSEARCH', data: [packageOf(path, SIMPLE.length), line.host, when, ...pipUserData(ua)] };
  }
  if (path.startsWith(PROJECT)) {
    const pkg = packageOf(path, PROJECT.length);
    if (between(path, PROJECT, JSON_DIR) || between(path, PROJECT, JSON_INDEX)) {
      return { verb: 'LOGJSON', data: [pkg, line.host, new Date(line.time), productToken(ua)] };
    }
    return { verb: 'LOGPROJECT', data: [pkg, line.host, new Date(line.time), ua] };
  }
  if (path === '/' || between(path, '/', '.html')) {
    return { verb: 'LOGPAGE', data: [pageName(path), line.host, new Date(line.time), ua] };
  }
  return undefined;
}
