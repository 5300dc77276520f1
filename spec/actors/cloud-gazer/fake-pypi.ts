/**
 * A minimal PyPI for Cloud Gazer's tests: real HTTP on 127.0.0.1 serving XML-RPC `changelog_since_serial`
 * (written the way Python's xmlrpc.client writes it, independently of the codec under test) and the JSON
 * API's `/pypi/<pkg>/json`. Tests steer it into failure: HTTP errors, faults, garbage, slow answers,
 * hang-ups, or not listening at all.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Row = [pkg: string, version: string | null, timestamp: number, action: string, serial: number];

export type XmlRpcMode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number }
  | { kind: 'body'; body: string }
  | { kind: 'fault'; code: number; text: string }
  | { kind: 'slow'; ms: number }
  | { kind: 'hangup' };

/** A JSON API answer for one package: a summary value, or a failure. */
export type JsonAnswer = { summary: unknown } | { info: unknown } | { status: number } | { body: string };

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly userAgent: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
  /** The serial a changelog_since_serial call asked for. */
  readonly serial?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const xmlValue = (v: string | number | null) =>
  v === null ? '<value><nil/></value>' : typeof v === 'number' ? `<value><int>${v}</int></value>` : `<value><string>${esc(v)}</string></value>`;

function changelogXml(rows: Row[]): string {
  const items = rows.map((row) => `<value><array><data>\n${row.map(xmlValue).join('\n')}\n</data></array></value>`);
  return `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n${items.join('\n')}\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n`;
}

function faultXml(code: number, text: string): string {
  return (
    `<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n` +
    `<member>\n<name>faultCode</name>\n<value><int>${code}</int></value>\n</member>\n` +
    `<member>\n<name>faultString</name>\n<value><string>${esc(text)}</string></value>\n</member>\n` +
    `</struct></value>\n</fault>\n</methodResponse>\n`
  );
}

export class FakePyPI {
  /** The changelog, in serial order. */
  rows: Row[] = [];
  /** Rows per answer (PyPI's limit is 50,000). */
  pageSize = 50_000;
  xmlrpc: XmlRpcMode = { kind: 'ok' };
  readonly json = new Map<string, JsonAnswer>();
  readonly requests: Recorded[] = [];
  #server: Server;
  #port = 0;
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor() {
    this.#server = this.#create();
  }

  static async start(): Promise<FakePyPI> {
    const pypi = new FakePyPI();
    await pypi.#listen(0);
    return pypi;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/pypi`;
  }

  /** Changelog requests so far. */
  get changelogCalls(): Recorded[] {
    return this.requests.filter((r) => r.method === 'POST');
  }

  /** JSON API requests so far. */
  get jsonCalls(): Recorded[] {
    return this.requests.filter((r) => r.method === 'GET');
  }

  /** Stops listening: connections are refused until `resume()`. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async resume(): Promise<void> {
    this.#server = this.#create();
    await this.#listen(this.#port);
  }

  close(): Promise<void> {
    return this.#server.listening ? this.stop() : Promise.resolve();
  }

  #create(): Server {
    return createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.#handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = req.url ?? '/';
    const base = {
      method: req.method ?? '',
      path,
      userAgent: req.headers['user-agent'],
      contentType: req.headers['content-type'],
      body,
    };
    if (req.method === 'POST' && path === '/pypi') {
      const serial = /<int>(-?\d+)<\/int>/.exec(body);
      this.requests.push({ ...base, serial: serial ? Number(serial[1]) : undefined });
      this.#changelog(res, body, serial ? Number(serial[1]) : NaN);
      return;
    }
    this.requests.push(base);
    const json = /^\/pypi\/([^/]+)(\/[^/]+)?\/json$/.exec(path);
    if (req.method === 'GET' && json) {
      // a release's document is keyed `pkg/version`
      this.#project(res, decodeURIComponent(json[1]!) + (json[2] === undefined ? '' : decodeURIComponent(json[2])));
      return;
    }
    res.writeHead(404).end('not found');
  }

  #changelog(res: ServerResponse, body: string, serial: number): void {
    const mode = this.xmlrpc;
    const xml = (status: number, text: string) => res.writeHead(status, { 'Content-Type': 'text/xml' }).end(text);
    switch (mode.kind) {
      case 'hangup':
        res.socket?.destroy();
        return;
      case 'status':
        res.writeHead(mode.status, { 'Content-Type': 'text/html' }).end(`<html><body>${mode.status}</body></html>`);
        return;
      case 'body':
        xml(200, mode.body);
        return;
      case 'fault':
        xml(200, faultXml(mode.code, mode.text));
        return;
      case 'slow': {
        const t = setTimeout(() => {
          this.#timers.delete(t);
          if (!res.destroyed) xml(200, changelogXml([]));
        }, mode.ms);
        this.#timers.add(t);
        return;
      }
      case 'ok':
        if (!/<methodName>changelog_since_serial<\/methodName>/.test(body) || Number.isNaN(serial)) {
          xml(200, faultXml(1, 'method not supported'));
          return;
        }
        xml(200, changelogXml(this.rows.filter((r) => r[4] > serial).slice(0, this.pageSize)));
    }
  }

  #project(res: ServerResponse, pkg: string): void {
    const answer = this.json.get(pkg);
    if (answer === undefined) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message": "Not Found"}');
    } else if ('status' in answer) {
      res.writeHead(answer.status, { 'Content-Type': 'text/html' }).end('<html>error</html>');
    } else if ('body' in answer) {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(answer.body);
    } else {
      const info = 'info' in answer ? answer.info : { name: pkg, summary: answer.summary };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ info, releases: {} }));
    }
  }
}

/** A clock the test moves by hand. */
export class TestClock {
  constructor(public ms = Date.UTC(2024, 0, 1)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A logger that keeps what it is told. */
export class TestLogger {
  readonly lines: [level: 'debug' | 'info' | 'warn' | 'error', message: string][] = [];
  debug(message: string): void {
    this.lines.push(['debug', message]);
  }
  info(message: string): void {
    this.lines.push(['info', message]);
  }
  warn(message: string): void {
    this.lines.push(['warn', message]);
  }
  error(message: string): void {
    this.lines.push(['error', message]);
  }
  at(level: 'debug' | 'info' | 'warn' | 'error'): string[] {
    return this.lines.filter(([l]) => l === level).map(([, m]) => m);
  }
}
