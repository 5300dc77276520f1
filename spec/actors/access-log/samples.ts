/** Access-log lines for the piw-logger and Lumberjack tests, in the combined format. */

export const PIP_JSON_UA =
  'pip/20.0.2 {\\"ci\\":null,\\"cpu\\":\\"armv7l\\",\\"distro\\":{\\"id\\":\\"buster\\",\\"name\\":\\"Raspbian GNU/Linux\\",\\"version\\":\\"10\\"},' +
  '\\"implementation\\":{\\"name\\":\\"CPython\\",\\"version\\":\\"3.7.3\\"},\\"installer\\":{\\"name\\":\\"pip\\",\\"version\\":\\"20.0.2\\"},' +
  '\\"python\\":\\"3.7.3\\",\\"setuptools_version\\":\\"44.0.0\\",\\"system\\":{\\"name\\":\\"Linux\\",\\"release\\":\\"4.19.97-v7+\\"}}';
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/80.0 Safari/537.36';

export interface LineOptions {
  host?: string;
  time?: string;
  method?: string;
  status?: number;
  ua?: string;
}

/** A combined-format line; `ua` is written as Apache would (already escaped). */
export function combined(path: string, opts: LineOptions = {}): string {
  const { host = '192.0.2.10', time = '15/Sep/2020:13:00:00 +0100', method = 'GET', status = 200, ua = BROWSER_UA } = opts;
  return `${host} - - [${time}] "${method} ${path} HTTP/1.1" ${status} 1234 "-" "${ua}"`;
}

/** One line of each kind, plus lines that make no record and a malformed one. */
export const MIXED = {
  download: combined('/simple/numpy/numpy-1.18.1-cp37-cp37m-linux_armv7l.whl', { ua: PIP_JSON_UA }),
  search: combined('/simple/Flask/', { ua: 'pip/9.0.1', host: '2001:db8::7' }),
  project: combined('/project/Flask/', { ua: 'Mozilla/5.0 \\"quoted\\" caf\\xc3\\xa9' }),
  json: combined('/project/flask/json/', { ua: 'Wget/1.20.3 (linux-gnu)' }),
  page: combined('/faq.html'),
  notFound: combined('/faq.html', { status: 404 }),
  noUserAgent: combined('/faq.html', { ua: '-' }),
  simpleIndex: combined('/simple/', { ua: 'pip/20.0' }),
  malformed: 'this is not an access log line',
};

/** A temp dir for ipc:// sockets. */
export { tempDir } from '../zmq/support.js';
