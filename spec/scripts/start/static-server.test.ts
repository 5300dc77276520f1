/**
 * The demo's static server for the master's output (scripts/start/static-server.ts): what pip and a
 * browser get, and nothing outside the root, however the path is spelt.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { contentType, serveDirectory, type StaticServer } from '../../../scripts/start/static-server.js';

let base: string;
let root: string;
let server: StaticServer;
const WHEEL = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 1, 2, 3, 0xff]);
const LOG = 'Collecting foo\nBuilding wheel… failed\n';
const LOG_GZ = gzipSync(Buffer.from(LOG));

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'piw-static-'));
  root = path.join(base, 'www');
  await mkdir(path.join(root, 'simple', 'foo'), { recursive: true });
  await mkdir(path.join(root, 'project', 'foo'), { recursive: true });
  await mkdir(path.join(root, 'evil.example'), { recursive: true });
  await mkdir(path.join(root, 'empty'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<html>home</html>');
  await writeFile(path.join(root, '404.html'), '<html>not here</html>');
  await writeFile(path.join(root, 'packages.json'), '[]');
  await writeFile(path.join(root, 'simple', 'index.html'), '<a href="foo">foo</a>');
  await writeFile(path.join(root, 'simple', 'foo', 'index.html'), '<a href="foo-1.0-py3-none-any.whl#sha256=00">x</a>');
  await writeFile(path.join(root, 'simple', 'foo', 'foo-1.0-py3-none-any.whl'), WHEEL);
  await writeFile(path.join(root, 'project', 'foo', 'index.html'), '<html>foo</html>');
  await writeFile(path.join(root, 'simple', 'index.json'), '{"projects":[]}');
  await writeFile(path.join(root, 'simple', 'foo', 'index.json'), '{"name":"foo"}');
  await mkdir(path.join(root, 'project', 'foo', 'json'));
  await writeFile(path.join(root, 'project', 'foo', 'json', 'index.json'), '{"package":"foo"}');
  await mkdir(path.join(root, 'logs', '0000', '0000'), { recursive: true });
  await writeFile(path.join(root, 'logs', '0000', '0000', '0042.txt.gz'), LOG_GZ);
  await symlink('foo', path.join(root, 'project', 'Foo'));
  await writeFile(path.join(base, 'secret'), 'do not serve');
  await symlink(path.join(base, 'secret'), path.join(root, 'leak'));
  await symlink(base, path.join(root, 'up'));
  server = await serveDirectory(root);
});

afterAll(async () => {
  await server.close();
  await rm(base, { recursive: true, force: true });
});

/** A request with the path sent exactly as given (no client-side normalisation). */
function request(rawPath: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: rawPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('listens on 127.0.0.1 and says where', () => {
  expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
});

test('a directory URL is answered by its index.html, as text/html', async () => {
  const res = await request('/simple/foo/');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.body.toString()).toContain('foo-1.0-py3-none-any.whl');
  expect((await request('/')).body.toString()).toBe('<html>home</html>');
});

test('a directory URL without its slash is redirected to it, query kept', async () => {
  const res = await request('/simple/foo?x=1');
  expect(res.status).toBe(301);
  expect(res.headers.location).toBe('/simple/foo/?x=1');
});

test('a redirect never leaves the site, whatever the path looks like', async () => {
  const res = await request('//evil.example');
  expect(res.status).toBe(301);
  expect(res.headers.location).toBe('/evil.example/');
});

test('a wheel is served whole, as application/zip, with its length', async () => {
  const res = await request('/simple/foo/foo-1.0-py3-none-any.whl');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/zip');
  expect(res.headers['content-length']).toBe(String(WHEEL.length));
  expect(res.body.equals(WHEEL)).toBe(true);
});

test('HEAD gives the headers without the body; other methods are refused', async () => {
  const head = await request('/packages.json', 'HEAD');
  expect(head.status).toBe(200);
  expect(head.headers['content-type']).toBe('application/json');
  expect(head.headers['content-length']).toBe('2');
  expect(head.body.length).toBe(0);
  const post = await request('/packages.json', 'POST');
  expect(post.status).toBe(405);
  expect(post.headers.allow).toBe('GET, HEAD');
});

test('a symlink inside the root (a project alias) is followed', async () => {
  const res = await request('/project/Foo/');
  expect(res.status).toBe(200);
  expect(res.body.toString()).toBe('<html>foo</html>');
});

test.each([
  ['dot segments', '/../secret'],
  ['encoded dot segments', '/%2e%2e/secret'],
  ['an encoded slash', '/simple/..%2f..%2fsecret'],
  ['a backslash', '/simple/..%5c..%5csecret'],
  ['a NUL', '/index.html%00.txt'],
  ['a symlink to a file outside', '/leak'],
  ['a symlink to a directory outside', '/up/secret'],
  ['bad percent-encoding', '/%zz'],
])('nothing outside the root is served: %s', async (_name, rawPath) => {
  const res = await request(rawPath);
  expect(res.status).toBe(404);
  expect(res.body.toString()).not.toContain('do not serve');
});

test("what is missing gets 404 with the site's own 404 page; a directory without index.html is not listed", async () => {
  const missing = await request('/simple/nothing/');
  expect(missing.status).toBe(404);
  expect(missing.body.toString()).toBe('<html>not here</html>');
  const bare = await request('/empty/');
  expect(bare.status).toBe(404);
});

test('content types follow the extensions the site uses', () => {
  expect(contentType('sitemap.xml')).toBe('application/xml');
  expect(contentType('styles.css')).toBe('text/css; charset=utf-8');
  expect(contentType('project.js')).toBe('text/javascript; charset=utf-8');
  expect(contentType('piwheels-logo.svg')).toBe('image/svg+xml');
  expect(contentType('favicon.ico')).toBe('image/vnd.microsoft.icon');
  expect(contentType('mythic_beasts_logo.png')).toBe('image/png');
  expect(contentType('unknown.bin')).toBe('application/octet-stream');
});

const PIP_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

test.each([
  ['pip (JSON first)', PIP_ACCEPT, 'application/vnd.pypi.simple.v1+json', '{"name":"foo"}'],
  ['latest+json', 'application/vnd.pypi.simple.latest+json', 'application/vnd.pypi.simple.v1+json', '{"name":"foo"}'],
  ['a browser', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html; charset=utf-8', 'foo-1.0'],
  ['anything (curl)', '*/*', 'text/html; charset=utf-8', 'foo-1.0'],
  ['nothing', '', 'text/html; charset=utf-8', 'foo-1.0'],
  ['the PEP 691 HTML type', 'application/vnd.pypi.simple.v1+html', 'application/vnd.pypi.simple.v1+html', 'foo-1.0'],
  ['JSON refused (q=0)', 'application/vnd.pypi.simple.v1+json;q=0, text/html;q=0.5', 'text/html; charset=utf-8', 'foo-1.0'],
  ['HTML preferred by weight', 'application/vnd.pypi.simple.v1+json;q=0.2, text/html', 'text/html; charset=utf-8', 'foo-1.0'],
])('PEP 691: the simple index answers %s in the form it prefers, with Vary: Accept', async (_who, accept, type, body) => {
  const res = await request('/simple/foo/', 'GET', accept === '' ? {} : { Accept: accept });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe(type);
  expect(res.headers.vary).toBe('Accept, User-Agent');
  expect(res.body.toString()).toContain(body);
});

test.each([
  ['pip/23.0.1 {"ci":null}', 'application/vnd.pypi.simple.v1+html'],
  ['pip/22.2', 'application/vnd.pypi.simple.v1+html'],
  ['pip/23.1.2', 'application/vnd.pypi.simple.v1+html'],
  ['pip/23.2', 'application/vnd.pypi.simple.v1+json'],
  ['pip/26.2.1 {"installer":{"name":"pip"}}', 'application/vnd.pypi.simple.v1+json'],
  ['uv/0.9.0', 'application/vnd.pypi.simple.v1+json'],
])('PEP 714: %s, asking for JSON first, gets %s (pips before 23.2 use PEP 658 metadata from HTML only)', async (agent, type) => {
  const res = await request('/simple/foo/', 'GET', { Accept: PIP_ACCEPT, 'User-Agent': agent });
  expect(res.headers['content-type']).toBe(type);
});

test('PEP 691: ?format= wins over Accept, as on PyPI; the root index negotiates too', async () => {
  const json = await request('/simple/?format=application/vnd.pypi.simple.v1%2Bjson', 'GET', { Accept: 'text/html' });
  expect(json.headers['content-type']).toBe('application/vnd.pypi.simple.v1+json');
  expect(json.body.toString()).toBe('{"projects":[]}');
  const html = await request('/simple/foo/?format=text/html', 'GET', { Accept: PIP_ACCEPT });
  expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
  const direct = await request('/simple/foo/index.json');
  expect(direct.headers['content-type']).toBe('application/vnd.pypi.simple.v1+json');
});

test("a project's JSON directory answers with its index.json", async () => {
  const res = await request('/project/foo/json/');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.body.toString()).toBe('{"package":"foo"}');
  expect((await request('/project/foo/json')).headers.location).toBe('/project/foo/json/');
});

test('a build log is sent compressed as text to clients that take gzip, unpacked to others; .txt finds .txt.gz', async () => {
  const gz = await request('/logs/0000/0000/0042.txt.gz', 'GET', { 'Accept-Encoding': 'gzip, deflate, br' });
  expect(gz.status).toBe(200);
  expect(gz.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(gz.headers['content-encoding']).toBe('gzip');
  expect(gz.headers.vary).toBe('Accept-Encoding');
  expect(gunzipSync(gz.body).toString()).toBe(LOG);
  const plain = await request('/logs/0000/0000/0042.txt.gz');
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.body.toString()).toBe(LOG);
  const bare = await request('/logs/0000/0000/0042.txt', 'GET', { 'Accept-Encoding': 'identity' });
  expect(bare.status).toBe(200);
  expect(bare.body.toString()).toBe(LOG);
  expect((await request('/logs/0000/0000/0043.txt')).status).toBe(404);
});
