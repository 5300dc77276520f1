/**
 * A static file server for the master's output directory, as Apache serves `/var/www/piwheels` in
 * production: GET and HEAD only, a directory answered by its `index.html` (a directory URL without its
 * trailing slash is redirected to it, as pip and browsers expect), the site's own `404.html` for what is
 * missing, and no directory listings.
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
}

type Found = { kind: 'file'; path: string; size: number; mtime: Date } | { kind: 'redirect'; location: string } | { kind: 'missing' };

/** What `urlPath` (still percent-encoded) names under `root` (a real path). */
async function resolve(root: string, urlPath: string): Promise<Found> {
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
    return { kind: 'missing' };
  }
  if (real !== root && !real.startsWith(root + path.sep)) return { kind: 'missing' };
  let info = await stat(real).catch(() => undefined);
  if (info === undefined) return { kind: 'missing' };
  let file = real;
  if (info.isDirectory()) {
    // Built from the normalised path, so a URL such as `//host` can never redirect off the site.
    if (!urlPath.endsWith('/')) return { kind: 'redirect', location: `/${relative.split('/').map(encodeURIComponent).join('/')}/` };
    file = path.join(real, 'index.html');
    info = await stat(file).catch(() => undefined);
    if (info === undefined) return { kind: 'missing' };
  }
  return info.isFile() ? { kind: 'file', path: file, size: info.size, mtime: info.mtime } : { kind: 'missing' };
}

function sendFile(req: IncomingMessage, res: ServerResponse, status: number, file: { path: string; size: number; mtime: Date }): void {
  res.writeHead(status, {
    'Content-Type': contentType(file.path),
    'Content-Length': file.size,
    'Last-Modified': file.mtime.toUTCString(),
    // Pages change with every build: let clients revalidate rather than cache them blindly.
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(file.path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, '405 Method Not Allowed\n', { Allow: 'GET, HEAD' });
  const raw = req.url ?? '/';
  const query = raw.indexOf('?');
  const urlPath = query < 0 ? raw : raw.slice(0, query);
  const found = await resolve(root, urlPath);
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
  const { host = '127.0.0.1', port = 0 } = options;
  const root = await realpath(dir);
  const server = createServer((req, res) => {
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
