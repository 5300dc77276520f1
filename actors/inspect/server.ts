/**
 * The live view's HTTP server (node:http, loopback only; address.ts): a page of plain HTML, JS and CSS
 * (web-templates/inspect/) and what it reads.
 *
 *   GET /                       the page
 *   GET /inspect.js, .css       its script and style (and the site's favicon.ico)
 *   GET /api/actors             every live actor as a row of the tree (JSON)
 *   GET /api/actors/KEY         one actor: its row, active state node ids, last events (JSON; 404 once gone)
 *   GET /api/charts/NAME        a catalogue machine's outline and, when a drawing is at hand, its SVG (JSON)
 *   GET /api/stream?focus=KEY   Server-Sent Events: `tree` (every row) on connect, then at most every
 *                               `pushMs` a `delta` (rows changed, keys gone) and, when the focused actor
 *                               changed, its `detail`
 *
 * The cost is bounded whatever the farm does: changes are collected, not sent, as they happen, and one
 * timer sends them to every client at most `pushMs` apart (a delta names each changed actor once, however
 * many events it had); at most `maxClients` streams are served. Requests whose Host header is not a
 * loopback address are refused, so a web page cannot reach the view through DNS rebinding.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { templatesDir } from '../scribe/templates.js';
import { inspectUrl, isLoopback, type InspectAddress } from './address.js';
import type { ChartIndex } from './charts.js';
import type { Recorder } from './recorder.js';

/** The picture of a catalogue chart, its states `<g class="state" data-state="<state node id>">`. */
export type DrawChart = (name: string) => Promise<{ svg: string }>;

export interface InspectServerOptions {
  address: InspectAddress;
  recorder: Recorder;
  charts: ChartIndex;
  /** Draws a catalogue chart for the page (drawing.ts); without it, or when it fails, outlines only. */
  draw?: DrawChart;
  pushMs?: number;
  maxClients?: number;
  /** Where index.html, inspect.js and inspect.css are (default: web-templates/inspect/). */
  assetsDir?: string;
}

const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/inspect.js': { file: 'inspect.js', type: 'text/javascript; charset=utf-8' },
  '/inspect.css': { file: 'inspect.css', type: 'text/css; charset=utf-8' },
  // The site's own icon (web-templates/static/), which browsers ask for unbidden.
  '/favicon.ico': { file: '../static/favicon.ico', type: 'image/x-icon' },
};

const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // Nothing but this origin's own script and style; the SVG drawings are inline.
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
};

interface Client {
  res: ServerResponse;
  focus: string | undefined;
}

export class InspectServer {
  readonly #opts: Required<Omit<InspectServerOptions, 'draw'>> & Pick<InspectServerOptions, 'draw'>;
  readonly #server: Server;
  readonly #clients = new Set<Client>();
  readonly #svgs = new Map<string, Promise<string | undefined>>();
  #timer: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #url = '';

  private constructor(opts: InspectServerOptions) {
    this.#opts = {
      pushMs: 250,
      maxClients: 16,
      assetsDir: join(templatesDir(), 'inspect'),
      ...opts,
    };
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `error: ${(err as Error).message}\n`);
        else res.destroy();
      });
    });
  }

  /** Binds the address; rejects when it cannot (taken, not this machine's). */
  static async listen(opts: InspectServerOptions): Promise<InspectServer> {
    const server = new InspectServer(opts);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(opts.address.port, opts.address.host, () => {
        server.#server.off('error', reject);
        resolve();
      });
    });
    const { address, port } = server.#server.address() as AddressInfo;
    server.#url = inspectUrl({ host: address, port });
    return server;
  }

  /** `http://127.0.0.1:PORT/`, the port the one bound. */
  get url(): string {
    return this.#url;
  }

  async close(): Promise<void> {
    this.#stopTimers();
    for (const client of this.#clients) client.res.end();
    this.#clients.clear();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!loopbackHost(req.headers.host)) return send(res, 403, 'text/plain; charset=utf-8', 'the live view answers requests for a loopback address only\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const asset = ASSETS[path];
    if (asset !== undefined) return send(res, 200, asset.type, await readFile(join(this.#opts.assetsDir, asset.file)));
    const { recorder } = this.#opts;
    if (path === '/api/actors') return json(res, 200, { actors: recorder.rows(), untracked: recorder.untracked });
    if (path.startsWith('/api/actors/')) {
      const detail = recorder.detail(decodeURIComponent(path.slice('/api/actors/'.length)));
      return detail === undefined ? json(res, 404, { error: 'no such live actor' }) : json(res, 200, detail);
    }
    if (path.startsWith('/api/charts/')) {
      const name = decodeURIComponent(path.slice('/api/charts/'.length));
      const machine = this.#opts.charts.named(name);
      if (machine === undefined) return json(res, 404, { error: 'no such chart' });
      const chart = this.#opts.charts.chartOf(machine)!;
      const svg = await this.#svg(name);
      return json(res, 200, { name, outline: chart.outline, ...(svg === undefined ? {} : { svg }) });
    }
    if (path === '/api/stream') return this.#stream(res, url.searchParams.get('focus') ?? undefined);
    return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }

  /** Each catalogue machine drawn once, on first demand; a drawing that fails leaves the outline. */
  #svg(name: string): Promise<string | undefined> {
    const { draw } = this.#opts;
    if (draw === undefined) return Promise.resolve(undefined);
    let svg = this.#svgs.get(name);
    if (svg === undefined) {
      svg = Promise.resolve()
        .then(() => draw(name))
        .then((drawing) => drawing.svg)
        .catch(() => undefined);
      this.#svgs.set(name, svg);
    }
    return svg;
  }

  #stream(res: ServerResponse, focus: string | undefined): void {
    if (this.#clients.size >= this.#opts.maxClients) {
      return json(res, 503, { error: `at most ${this.#opts.maxClients} pages may watch at once` });
    }
    res.writeHead(200, { ...HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    const client: Client = { res, focus };
    const { recorder } = this.#opts;
    if (this.#clients.size === 0) recorder.watch(true);
    this.#clients.add(client);
    res.on('close', () => {
      this.#clients.delete(client);
      if (this.#clients.size > 0) return;
      this.#stopTimers();
      recorder.watch(false);
    });
    sse(res, 'tree', { actors: recorder.rows(), untracked: recorder.untracked });
    if (focus !== undefined) sse(res, 'detail', recorder.detail(focus) ?? { key: focus, gone: true });
    this.#startTimers();
  }

  #startTimers(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#push(), this.#opts.pushMs);
    // A comment now and then keeps proxies and idle sockets from dropping a quiet stream.
    this.#keepAlive = setInterval(() => {
      for (const { res } of this.#clients) res.write(': keep-alive\n\n');
    }, 15_000);
  }

  #stopTimers(): void {
    clearInterval(this.#timer);
    clearInterval(this.#keepAlive);
    this.#timer = undefined;
    this.#keepAlive = undefined;
  }

  /** One delta for every client, and the focused actor's detail to the clients whose focus changed. */
  #push(): void {
    const { recorder } = this.#opts;
    const focused = new Map<string, boolean>();
    for (const { focus } of this.#clients) if (focus !== undefined) focused.set(focus, recorder.hasChanged(focus));
    const { changed, removed } = recorder.takeChanges();
    if (changed.length === 0 && removed.length === 0) return;
    const delta = JSON.stringify({ changed, removed, untracked: recorder.untracked });
    const details = new Map<string, string>();
    for (const [key, dirty] of focused) {
      if (dirty) details.set(key, JSON.stringify(recorder.detail(key) ?? { key, gone: true }));
    }
    for (const { res, focus } of this.#clients) {
      res.write(`event: delta\ndata: ${delta}\n\n`);
      const detail = focus === undefined ? undefined : details.get(focus);
      if (detail !== undefined) res.write(`event: detail\ndata: ${detail}\n\n`);
    }
  }
}

/** True when the Host header names a loopback IP or localhost (any port). */
function loopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = /^\[([^\]]+)\](?::\d+)?$/.exec(host)?.[1] ?? host.replace(/:\d+$/, '');
  return name.toLowerCase() === 'localhost' || isLoopback(name);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { ...HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function sse(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
