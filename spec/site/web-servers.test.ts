/**
 * The README's nginx and Apache configurations, taken from the README as written and run with Debian's
 * nginx and apache2 over the Scribe's site: PEP 691 negotiation (Accept, ?format=, older pips), project
 * JSON directories, build logs as text, the 404 page; and pip resolving through them from metadata files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort } from '../../scripts/start/free-port.js';
import { makeSite, pips, runPip, scratch, type Site } from './support.js';

const README = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', 'README.md');
const PIP_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

/** The code block that follows `<!-- tested: NAME -->` in the README, unindented. */
async function readmeBlock(name: string): Promise<string> {
  const text = await readFile(README, 'utf8');
  const at = text.indexOf(`<!-- tested: ${name} -->`);
  if (at < 0) throw new Error(`README has no block marked "tested: ${name}"`);
  const m = /```\w*\n([\s\S]*?)\n\s*```/.exec(text.slice(at));
  const lines = m![1]!.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

interface Running {
  url: string;
  /** Request target, status and content type of each request, from the server's access log. */
  log(): Promise<{ url: string; status: number; type: string }[]>;
  stop(): Promise<void>;
}

/** Waits until something answers on `port`, or the process ends. */
async function listening(port: number, proc: ChildProcess, errors: () => Promise<string>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`the server exited (${proc.exitCode}): ${await errors()}`);
    const up = await new Promise<boolean>((done) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        res.resume();
        done(true);
      });
      req.on('error', () => done(false));
    });
    if (up) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`nothing listens on ${port}: ${await errors()}`);
}

function stopper(proc: ChildProcess, dir: string) {
  return async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((done) => proc.once('exit', done));
      proc.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
}

async function readLog(path: string) {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [url, status, type] = line.split('\t');
      return { url: url!, status: Number(status), type: type! };
    });
}

async function startNginx(root: string): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), 'piw-nginx-'));
  const port = await freePort();
  const site = (await readmeBlock('nginx')).replace('listen 80;', `listen 127.0.0.1:${port};`).replace('root /var/www/piwheels;', `root ${root};`);
  const conf = join(dir, 'nginx.conf');
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/${t};`).join('\n  ');
  await writeFile(
    conf,
    `daemon off;
user www-data;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  ${temps}
  log_format tested "$request_uri\\t$status\\t$sent_http_content_type";
  access_log ${dir}/access.log tested;
${site}
}
`,
  );
  const proc = spawn('/usr/sbin/nginx', ['-c', conf, '-e', `${dir}/error.log`], { stdio: 'ignore' });
  await listening(port, proc, () => readFile(`${dir}/error.log`, 'utf8').catch(() => ''));
  return { url: `http://127.0.0.1:${port}`, log: () => readLog(`${dir}/access.log`), stop: stopper(proc, dir) };
}

const APACHE_MODULES = ['mpm_event', 'authz_core', 'dir', 'mime', 'rewrite', 'headers', 'filter', 'deflate', 'negotiation'];

async function startApache(root: string): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), 'piw-apache-'));
  const port = await freePort();
  const site = (await readmeBlock('apache')).replace('<VirtualHost *:80>', `<VirtualHost 127.0.0.1:${port}>`).replaceAll('/var/www/piwheels', root);
  const conf = join(dir, 'apache2.conf');
  await writeFile(
    conf,
    `${APACHE_MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join('\n')}
ServerName localhost
Listen 127.0.0.1:${port}
User www-data
Group www-data
PidFile ${dir}/apache.pid
DefaultRuntimeDir ${dir}
Mutex file:${dir} default
ErrorLog ${dir}/error.log
TypesConfig /etc/mime.types
LogFormat "%U%q\\t%>s\\t%{Content-Type}o" tested
CustomLog ${dir}/access.log tested
${site}
`,
  );
  const proc = spawn('/usr/sbin/apache2', ['-f', conf, '-DFOREGROUND'], { stdio: 'ignore' });
  await listening(port, proc, () => readFile(`${dir}/error.log`, 'utf8').catch(() => ''));
  return { url: `http://127.0.0.1:${port}`, log: () => readLog(`${dir}/access.log`), stop: stopper(proc, dir) };
}

/** A GET with exactly these headers (no automatic Accept-Encoding or decompression). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

let site: Site;
beforeAll(async () => {
  site = await makeSite();
  await chmod(site.output, 0o755); // the web server's user reads it
});
afterAll(() => site.close());

describe.each([
  ['nginx', startNginx],
  ['Apache', startApache],
])('the README configuration of %s', (_name, start) => {
  let server: Running;
  beforeAll(async () => {
    server = await start(site.output);
  });
  afterAll(() => server?.stop());

  test.each([
    ['pip (JSON first)', 'application/vnd.pypi.simple.v1+json', { Accept: PIP_ACCEPT, 'User-Agent': 'pip/26.2.1 {}' }],
    ['pip 23.0.1 (PEP 714)', 'text/html', { Accept: PIP_ACCEPT, 'User-Agent': 'pip/23.0.1 {}' }],
    ['a browser', 'text/html', { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }],
    ['curl', 'text/html', { Accept: '*/*' }],
    ['JSON at q=0', 'text/html', { Accept: 'application/vnd.pypi.simple.v1+json;q=0, text/html' }],
  ])('PEP 691: %s gets %s', async (_who, type, headers) => {
    for (const path of ['/simple/app/', '/simple/']) {
      const res = await get(server.url + path, headers);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain(type);
      expect(res.headers.vary).toContain('Accept');
      if (type.includes('json')) expect(JSON.parse(res.body.toString()).meta['api-version']).toBe('1.1');
      else expect(res.body.toString()).toContain('<!DOCTYPE html>');
    }
  });

  test('PEP 691: ?format= chooses the form whatever Accept says', async () => {
    const json = await get(`${server.url}/simple/app/?format=application/vnd.pypi.simple.v1%2Bjson`, { Accept: 'text/html' });
    expect(json.headers['content-type']).toContain('application/vnd.pypi.simple.v1+json');
    const html = await get(`${server.url}/simple/app/?format=text/html`, { Accept: PIP_ACCEPT, 'User-Agent': 'pip/26.2.1' });
    expect(html.headers['content-type']).toContain('text/html');
  });

  test("directories: a missing slash is a redirect, a project's json/ is its JSON, the 404 page for what is missing", async () => {
    const bare = await get(`${server.url}/simple/app`);
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toMatch(/\/simple\/app\/$/);
    const json = await get(`${server.url}/project/app/json/`);
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toContain('application/json');
    expect(JSON.parse(json.body.toString()).package).toBe('app');
    const missing = await get(`${server.url}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).toContain('Page not found');
  });

  test('build logs: gzip-encoded text for clients that take gzip, plain text for others', async () => {
    const path = '/logs/0000/0000/0001.txt.gz';
    const gz = await get(server.url + path, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-type']).toMatch(/^text\/plain/);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe('built app 1.0\n');
    const plain = await get(server.url + path);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe('built app 1.0\n');
  });

  test.each(pips())('$name resolves through it from .metadata files', async (pip) => {
    const tmp = await scratch();
    try {
      const before = (await server.log()).length;
      const r = await runPip(pip, join(tmp.dir, 'venv'), ['install', '--dry-run', '--report', join(tmp.dir, 'r.json'), '--index-url', `${server.url}/simple/`, 'top']);
      expect(r.code).toBe(0);
      const log = (await server.log()).slice(before);
      expect(log.map((e) => e.url)).toEqual(expect.arrayContaining(['/simple/dep/dep-2.0-py3-none-any.whl.metadata', '/simple/base/base-1.0-py3-none-any.whl.metadata']));
      expect(log.filter((e) => e.url.startsWith('/simple/dep/dep-2.0') && !e.url.endsWith('.metadata'))).toEqual([]);
      expect(log.every((e) => e.status === 200)).toBe(true);
    } finally {
      await tmp.done();
    }
  });
});
