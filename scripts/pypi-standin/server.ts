/**
 * The PyPI stand-in: an HTTP server on 127.0.0.1 serving the simple index (`/simple/`), the JSON API
 * (`/pypi/<name>/json`), the files (`/files/...`) and XML-RPC (`POST /pypi`: `changelog_since_serial`,
 * `changelog_last_serial`), over a registry that tests change at run time. Faults can be injected to test
 * how clients survive a misbehaving PyPI.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { canonicalizeName, parseWheelFilename } from '../../protocols/packaging/wheel-filename.js';
import { ZipReader } from '../../actors/slave/zip-reader.js';
import { cachedBootstrapWheels, DEMO_PROJECTS } from './fixtures.js';
import { fileUrl, projectJson, simpleProject, simpleRoot } from './pages.js';
import { PypiRegistry, type FileOptions, type RegistryOptions, type StoredFile } from './registry.js';
import { makeSdist, type BuiltFile, type ProjectSource } from './sdist.js';
import { faultResponse, INVALID_PARAMS, METHOD_NOT_FOUND, methodResponse, parseMethodCall, XmlRpcRequestError, type XmlRpcValue } from './xmlrpc.js';

export type Target = 'xmlrpc' | 'json' | 'simple' | 'files';

/** What a fault does to a request it matches. */
export type FaultKind =
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'garbage' }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'xmlrpc-fault'; faultCode: number; faultString: string };

export type Fault = FaultKind & {
  /** Which requests it hits; all when omitted. */
  target?: Target;
  /** How many requests it hits before it disappears; unlimited when omitted. */
  times?: number;
};

export interface FaultHandle {
  /** Requests hit so far. */
  readonly hits: number;
  remove(): void;
}

export interface RequestRecord {
  method: string;
  path: string;
  target: Target | undefined;
  status: number;
  userAgent: string | undefined;
  /** The XML-RPC method, for XML-RPC calls. */
  xmlrpcMethod?: string;
}

export interface StandinOptions extends Partial<RegistryOptions> {
  host?: string;
  port?: number;
  /** Where files are kept; a temp dir (removed on close) when omitted. */
  dir?: string;
  /** Publish setuptools and wheel (silently: no changelog events), so pip can build offline. Default true. */
  bootstrap?: boolean;
  /** Publish the demo packages (with changelog events). Default false. */
  fixtures?: boolean;
}

export interface PypiStandin {
  readonly url: string;
  /** For pip's `--index-url` and the slave's index. */
  readonly simpleUrl: string;
  /** For Cloud Gazer's `--pypi-json` (GET `<jsonUrl>/<pkg>/json`). */
  readonly jsonUrl: string;
  /** For Cloud Gazer's `--pypi-xmlrpc`. */
  readonly xmlrpcUrl: string;
  readonly dir: string;
  readonly registry: PypiRegistry;
  readonly requests: readonly RequestRecord[];
  /** Writes the project's sdist and uploads it (`create`, `new release`, `add source file` as needed). */
  publish(source: ProjectSource, options?: FileOptions): Promise<StoredFile>;
  /** Uploads any file; a wheel's Requires-Python is read from its METADATA. */
  addFile(name: string, version: string, file: BuiltFile, options?: FileOptions): Promise<StoredFile>;
  /** The URL a stored file is served at. */
  urlOf(name: string, filename: string): string;
  injectFault(fault: Fault): FaultHandle;
  clearFaults(): void;
  close(): Promise<void>;
}

const XMLRPC_PATHS = new Set(['/pypi', '/pypi/', '/RPC2']);

const targetOf = (method: string, path: string): Target | undefined => {
  if (XMLRPC_PATHS.has(path)) return method === 'POST' ? 'xmlrpc' : undefined;
  if (path.startsWith('/pypi/') && path.endsWith('/json')) return 'json';
  if (path.startsWith('/simple')) return 'simple';
  if (path.startsWith('/files/')) return 'files';
  return undefined;
};

const GARBAGE = Buffer.concat([Buffer.from('<?xml version="1.0"?><methodResponse><params><par{"info": ['), Buffer.from([0, 0xff, 0xfe, 0x80, 0x1b])]);

/** The `Requires-Python` of a wheel, from its `*.dist-info/METADATA`; null if it has none or cannot be read. */
async function wheelRequiresPython(path: string): Promise<string | null> {
  let zip: ZipReader;
  try {
    zip = await ZipReader.open(path);
  } catch {
    return null; // tests may upload garbage on purpose
  }
  try {
    const entry = zip.entries.find((e) => /^[^/]+\.dist-info\/METADATA$/.test(e.name));
    if (!entry) return null;
    const headers = (await zip.read(entry)).toString('utf8').split('\n\n')[0]!;
    return /^Requires-Python:\s*(.+)$/m.exec(headers)?.[1]!.trim() ?? null;
  } catch {
    return null;
  } finally {
    await zip.close();
  }
}

export async function startPypiStandin(options: StandinOptions = {}): Promise<PypiStandin> {
  const { host = '127.0.0.1', port = 0, bootstrap = true, fixtures = false } = options;
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'piw-pypi-standin-'));
  const registry = new PypiRegistry({ ...options, filesDir: options.filesDir ?? join(dir, 'files') });
  const requests: RequestRecord[] = [];
  const faults: { fault: Fault; hits: number }[] = [];
  const hanging = new Set<ServerResponse>();
  let base = '';

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };
  const notFound = (res: ServerResponse, target: Target | undefined) =>
    target === 'json' ? send(res, 404, 'application/json', JSON.stringify({ message: 'Not Found' })) : send(res, 404, 'text/plain', '404 Not Found\n');

  async function applyFault(req: IncomingMessage, res: ServerResponse, target: Target | undefined): Promise<boolean> {
    const slot = faults.find(({ fault, hits }) => (fault.target === undefined || fault.target === target) && (fault.times === undefined || hits < fault.times));
    if (!slot) return false;
    slot.hits += 1;
    const { fault } = slot;
    switch (fault.kind) {
      case 'delay':
        await sleep(fault.ms);
        return false;
      case 'status':
        send(res, fault.status, 'text/html', fault.body ?? `<html><body><h1>${fault.status} injected by the PyPI stand-in</h1></body></html>\n`);
        return true;
      case 'garbage':
        send(res, 200, target === 'json' ? 'application/json' : 'text/xml', GARBAGE);
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'hang':
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return true;
      case 'xmlrpc-fault':
        send(res, 200, 'text/xml', faultResponse(fault.faultCode, fault.faultString));
        return true;
    }
  }

  function xmlrpc(body: string): { method?: string; response: string } {
    let method: string | undefined;
    try {
      const call = parseMethodCall(body);
      method = call.method;
      const result = dispatch(call.method, call.params);
      return { method, response: methodResponse(result) };
    } catch (err) {
      if (!(err instanceof XmlRpcRequestError)) throw err;
      return { method, response: faultResponse(err.faultCode, err.message) };
    }
  }

  function dispatch(method: string, params: XmlRpcValue[]): XmlRpcValue {
    switch (method) {
      case 'changelog_since_serial': {
        const [serial] = params;
        if (params.length !== 1 || typeof serial !== 'number' || !Number.isInteger(serial)) {
          throw new XmlRpcRequestError(INVALID_PARAMS, 'server error; invalid method params: changelog_since_serial(serial: int)');
        }
        return registry.changelogSince(serial);
      }
      case 'changelog_last_serial':
        if (params.length !== 0) throw new XmlRpcRequestError(INVALID_PARAMS, 'server error; invalid method params: changelog_last_serial()');
        return registry.lastSerial;
      default:
        throw new XmlRpcRequestError(METHOD_NOT_FOUND, `server error; requested method not found: ${method}`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, record: RequestRecord): Promise<void> {
    let path: string;
    try {
      path = decodeURIComponent(record.path);
    } catch {
      return send(res, 400, 'text/plain', '400 Bad Request: bad percent-encoding\n');
    }
    const target = record.target;
    if (await applyFault(req, res, target)) return;
    if (res.destroyed) return;

    if (target === 'xmlrpc') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const { method, response } = xmlrpc(Buffer.concat(chunks).toString('utf8'));
      if (method !== undefined) record.xmlrpcMethod = method;
      return send(res, 200, 'text/xml', response);
    }
    if (XMLRPC_PATHS.has(path)) return send(res, 405, 'text/plain', '405 Method Not Allowed\n', { Allow: 'POST' });
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', '405 Method Not Allowed\n', { Allow: 'GET, HEAD' });
    if (path === '/simple' || path === '/simple/') return send(res, 200, 'text/html', simpleRoot(registry));

    let m = /^\/simple\/([^/]+)(\/?)$/.exec(path);
    if (m) {
      const project = registry.project(m[1]!);
      if (!project) return notFound(res, target);
      if (m[1] !== project.canonical || m[2] !== '/') return send(res, 301, 'text/plain', '', { Location: `/simple/${project.canonical}/` });
      return send(res, 200, 'text/html', simpleProject(project, base));
    }
    m = /^\/pypi\/([^/]+)(?:\/([^/]+))?\/json$/.exec(path);
    if (m) {
      const project = registry.project(m[1]!);
      const doc = project && projectJson(registry, project, base, m[2]);
      return doc ? send(res, 200, 'application/json', JSON.stringify(doc)) : notFound(res, target);
    }
    m = /^\/files\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) {
      const project = registry.project(m[1]!);
      const file = project && [...project.releases.values()].flatMap((r) => r.files).find((f) => f.filename === m![2]);
      if (!file) return notFound(res, target);
      res.writeHead(200, { 'Content-Type': file.filename.endsWith('.whl') ? 'application/zip' : 'application/x-tar', 'Content-Length': file.size });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file.path).pipe(res);
      return;
    }
    return notFound(res, target);
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    const record: RequestRecord = { method: req.method ?? '', path, target: targetOf(req.method ?? '', path), status: 0, userAgent: req.headers['user-agent'] };
    requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    handle(req, res, record).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `stand-in error: ${err.message}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  base = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  const addFile = async (name: string, version: string, file: BuiltFile, fileOptions: FileOptions = {}) => {
    const stored = registry.addFile(name, version, file, fileOptions);
    if (stored.packagetype === 'bdist_wheel' && fileOptions.requiresPython === undefined) stored.requiresPython = await wheelRequiresPython(stored.path);
    return stored;
  };
  const standin: PypiStandin = {
    url: base,
    simpleUrl: `${base}/simple/`,
    jsonUrl: `${base}/pypi`,
    xmlrpcUrl: `${base}/pypi`,
    dir,
    registry,
    requests,
    addFile,
    publish: (source, fileOptions = {}) => addFile(source.name, source.version, makeSdist(source), { summary: source.summary, ...fileOptions }),
    urlOf(name, filename) {
      const project = registry.project(name);
      const file = project && [...project.releases.values()].flatMap((r) => r.files).find((f) => f.filename === filename);
      if (!project || !file) throw new Error(`no file ${filename} in ${canonicalizeName(name)}`);
      return fileUrl(base, project, file);
    },
    injectFault(fault) {
      const slot = { fault, hits: 0 };
      faults.push(slot);
      return {
        get hits() {
          return slot.hits;
        },
        remove() {
          const at = faults.indexOf(slot);
          if (at >= 0) faults.splice(at, 1);
        },
      };
    },
    clearFaults: () => void faults.splice(0),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    if (bootstrap) {
      for (const wheel of await cachedBootstrapWheels()) {
        const { distribution, version } = parseWheelFilename(wheel.filename);
        await addFile(distribution, version, wheel, { silent: true });
      }
    }
    if (fixtures) for (const source of DEMO_PROJECTS) await standin.publish(source);
  } catch (err) {
    await standin.close();
    throw err;
  }
  return standin;
}
