/**
 * A static file server for the master's output directory, as Apache serves `/var/www/piwheels` in
 * production: GET and HEAD only, a directory answered by its `index.html` (a directory URL without its
 * trailing slash is redirected to it, as pip and browsers expect), the site's own `404.html` for what is
 * missing, and no directory listings. As the README's nginx and Apache configurations do:
 * - a directory with both `index.html` and `index.json` (the index under `/simple/`) answers with the one
 *   the client prefers (PEP 691 content negotiation: `Accept`, or `?format=` as PyPI allows), with
 *   `Vary: Accept, User-Agent` (pips 22.2 to 23.1 get the HTML: see negotiation.ts); one with only
 *   `index.json` (a project's `/json/`) answers with that;
 * - build logs (`*.txt.gz`) are sent as text with `Content-Encoding: gzip`, or unpacked for a client that
 *   does not accept gzip; `/logs/…/N.txt` finds `N.txt.gz` too.
 *
 * Nothing outside the root is ever served: the URL path is decoded, refused if it holds a NUL or a
 * backslash, normalised, and the real path of what it names (symlinks resolved: the Scribe links project
 * aliases) must lie inside the real path of the root.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { acceptsGzip, chooseIndexType, prefersHtml, SIMPLE_JSON } from './negotiation.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.xsl': 'application/xslt+xml',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/vnd.microsoft.icon',
  '.txt': 'text/plain; charset=utf-8',
  '.whl': 'application/zip',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.metadata': 'text/plain; charset=utf-8',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface StaticServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface StaticServerOptions {
  host?: string;
  /** 0 (the default) lets the system choose a free port. */
  port?: number;
  /** Hears of every request once it is answered, as a web server's access log does. */
  accessLog?: (entry: AccessEntry) => void;
}

/** One answered request. */
export interface AccessEntry {
  method: string;
  /** The request target as sent (path and query). */
  url: string;
  status: number;
  /** The Content-Type answered. */
  type: string | undefined;
  accept: string | undefined;
  userAgent: string | undefined;
}

interface FoundFile {
  kind: 'file';
  path: string;
  size: number;
  mtime: Date;
  /** Set when the file was chosen by content negotiation: the type to send it as. */
  type?: string;
  /** A gzip-compressed text file (a build log). */
  gzipText?: boolean;
}
type Found = FoundFile | { kind: 'redirect'; location: string } | { kind: 'missing' };

/** What a request asks for, beyond its path. */
interface Wants {
  accept: string | undefined;
  /** `?format=`, which wins over Accept. */
  format: string | undefined;
  userAgent: string | undefined;
}

const NO_WANTS: Wants = { accept: undefined, format: undefined, userAgent: undefined };

async function fileAt(file: string): Promise<FoundFile | undefined> {
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? { kind: 'file', path: file, size: info.size, mtime: info.mtime } : undefined;
}

/** A directory's index: negotiated between index.html and index.json, or whichever of them there is. */
async function directoryIndex(dir: string, wants: Wants): Promise<FoundFile | undefined> {
  const [html, json] = await Promise.all([fileAt(path.join(dir, 'index.html')), fileAt(path.join(dir, 'index.json'))]);
  if (html && json) {
    const type = wants.format !== undefined ? chooseIndexType(wants.format) : chooseIndexType(wants.accept, prefersHtml(wants.userAgent));
    return type === SIMPLE_JSON ? { ...json, type } : { ...html, type };
  }
  return html ?? json;
}

/** What `urlPath` (still percent-encoded) names under `root` (a real path). */
async function resolve(root: string, urlPath: string, wants: Wants = NO_WANTS): Promise<Found> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'missing' };
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return { kind: 'missing' };
  const relative = path.posix.normalize(decoded).replace(/^\/+/, '');
  if (relative.split('/').includes('..')) return { kind: 'missing' };
  let real: string;
  try {
    real = await realpath(path.join(root, relative));
  } catch {
    // `/logs/…/N.txt` is the log `N.txt.gz`, as Apache's MultiViews finds it
    if (relative.endsWith('.txt')) {
      const gz = await resolve(root, `${urlPath}.gz`);
      if (gz.kind === 'file') return gz;
    }
    return { kind: 'missing' };
  }
  if (real !== root && !real.startsWith(root + path.sep)) return { kind: 'missing' };
  const info = await stat(real).catch(() => undefined);
  if (info === undefined) return { kind: 'missing' };
  if (info.isDirectory()) {
    // Built from the normalised path, so a URL such as `//host` can never redirect off the site.
    if (!urlPath.endsWith('/')) return { kind: 'redirect', location: `/${relative.split('/').map(encodeURIComponent).join('/')}/` };
    return (await directoryIndex(real, wants)) ?? { kind: 'missing' };
  }
  if (!info.isFile()) return { kind: 'missing' };
  const found: FoundFile = { kind: 'file', path: real, size: info.size, mtime: info.mtime };
  if (real.endsWith('.txt.gz')) found.gzipText = true;
  else if (path.basename(real) === 'index.json' && relative.startsWith('simple/')) found.type = SIMPLE_JSON;
  return found;
}

function sendFile(req: IncomingMessage, res: ServerResponse, status: number, file: FoundFile): void {
  const headers: Record<string, string | number> = {
    'Content-Type': file.type ?? contentType(file.path),
    'Last-Modified': file.mtime.toUTCString(),
    // Pages change with every build: let clients revalidate rather than cache them blindly.
    'Cache-Control': 'no-cache',
  };
  if (file.type !== undefined) headers['Vary'] = 'Accept, User-Agent';
  let unpack = false;
  if (file.gzipText) {
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    headers['Vary'] = 'Accept-Encoding';
    unpack = !acceptsGzip(req.headers['accept-encoding']);
    if (!unpack) headers['Content-Encoding'] = 'gzip';
  }
  if (!unpack) headers['Content-Length'] = file.size;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value); // kept for the access log
  res.writeHead(status);
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(file.path);
  stream.on('error', () => res.destroy());
  if (!unpack) return void stream.pipe(res);
  const gunzip = createGunzip();
  gunzip.on('error', () => res.destroy());
  stream.pipe(gunzip).pipe(res);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries({ 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers })) res.setHeader(name, value);
  res.writeHead(status);
  res.end(text);
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, '405 Method Not Allowed\n', { Allow: 'GET, HEAD' });
  const raw = req.url ?? '/';
  const query = raw.indexOf('?');
  const urlPath = query < 0 ? raw : raw.slice(0, query);
  const format = query < 0 ? undefined : (new URLSearchParams(raw.slice(query + 1)).get('format') ?? undefined);
  const found = await resolve(root, urlPath, { accept: req.headers.accept, format, userAgent: req.headers['user-agent'] });
  if (found.kind === 'file') return sendFile(req, res, 200, found);
  if (found.kind === 'redirect') {
    return sendText(res, 301, `301 Moved Permanently: ${found.location}\n`, { Location: found.location + (query < 0 ? '' : raw.slice(query)) });
  }
  const notFound = await resolve(root, '/404.html');
  if (notFound.kind === 'file') return sendFile(req, res, 404, notFound);
  return sendText(res, 404, '404 Not Found\n');
}

/** Serves `dir` (created by the caller; it may still be empty) until `close()`. */
export async function serveDirectory(dir: string, options: StaticServerOptions = {}): Promise<StaticServer> {
  const { host = '127.0.0.1', port = 0, accessLog } = options;
  const root = await realpath(dir);
  const server = createServer((req, res) => {
    if (accessLog !== undefined) {
      res.on('finish', () =>
        accessLog({
          method: req.method ?? '',
          url: req.url ?? '',
          status: res.statusCode,
          type: res.getHeader('content-type')?.toString(),
          accept: req.headers.accept,
          userAgent: req.headers['user-agent'],
        }),
      );
    }
    handle(root, req, res).catch((err: Error) => {
      if (!res.headersSent) sendText(res, 500, `500 Internal Server Error: ${err.message}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => done());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
