import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { startPypiStandin, type PypiStandin } from '../../../scripts/pypi-standin/server.js';
import { CEXT, MULTI, PURE } from '../../../scripts/pypi-standin/fixtures.js';
import { pureProject } from '../../../scripts/pypi-standin/sdist.js';

const run = promisify(execFile);

/** Calls the stand-in with CPython's own XML-RPC client, as piwheels 0.18 did: the real format or nothing. */
async function pythonXmlRpc(url: string, call: string): Promise<unknown> {
  const script = [
    'import json, sys, xmlrpc.client',
    'proxy = xmlrpc.client.ServerProxy(sys.argv[1])',
    'try:',
    `    print(json.dumps({"result": proxy.${call}}))`,
    'except xmlrpc.client.Fault as f:',
    '    print(json.dumps({"fault": [f.faultCode, f.faultString]}))',
  ].join('\n');
  const { stdout } = await run('/usr/bin/python3', ['-c', script, url]);
  return JSON.parse(stdout);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON documents are checked field by field
const getJson = async (url: string): Promise<any> => (await fetch(url)).json();

const xmlCall = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body }).then((r) => r.text());

let standin: PypiStandin;
let clock: number;
beforeEach(async () => {
  clock = 1_700_000_000;
  standin = await startPypiStandin({ clock: () => clock, firstSerial: 700_000 });
});
afterEach(() => standin.close());

describe('PyPI stand-in: PEP 503 simple index', () => {
  test('lists projects, and each project page links its files with a #sha256 fragment of their bytes', async () => {
    const stored = await standin.publish(PURE);
    const root = await (await fetch(standin.simpleUrl)).text();
    expect(root).toContain('<a href="/simple/piw-demo-pure/">piw-demo-pure</a>');
    expect(root).toContain('<a href="/simple/setuptools/">setuptools</a>');
    const page = await (await fetch(`${standin.simpleUrl}piw-demo-pure/`)).text();
    const link = /<a href="([^"#]+)#sha256=([0-9a-f]{64})">piw_demo_pure-1\.0\.tar\.gz<\/a>/.exec(page);
    expect(link).not.toBeNull();
    const bytes = Buffer.from(await (await fetch(link![1]!)).arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(link![2]);
    expect(bytes.length).toBe(stored.size);
  });

  test('a non-canonical name redirects to the canonical page; an unknown project is 404', async () => {
    await standin.publish(PURE);
    const redirect = await fetch(`${standin.simpleUrl}Piw_Demo.Pure/`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/simple/piw-demo-pure/');
    expect((await fetch(`${standin.simpleUrl}no-such-thing/`)).status).toBe(404);
  });

  test('a yanked release carries data-yanked with its reason (PEP 592); wheels carry data-requires-python', async () => {
    await standin.publish(PURE);
    standin.registry.yankRelease('piw-demo-pure', '1.0', 'broken <release>');
    const page = await (await fetch(`${standin.simpleUrl}piw-demo-pure/`)).text();
    expect(page).toContain('data-yanked="broken &lt;release&gt;"');
    const wheelPage = await (await fetch(`${standin.simpleUrl}wheel/`)).text();
    expect(wheelPage).toMatch(/data-requires-python="&gt;=3\.\d+"/);
  });
});

describe('PyPI stand-in: JSON API', () => {
  test('/pypi/<name>/json gives info.summary and the latest final version with every release', async () => {
    for (const source of MULTI) await standin.publish(source);
    await standin.publish(pureProject({ name: 'piw-demo-multi', version: '2.0rc1', summary: 'A package with several versions' }));
    const doc = await getJson(`${standin.jsonUrl}/piw-demo-multi/json`);
    expect(doc.info.summary).toBe('A package with several versions');
    expect(doc.info.name).toBe('piw-demo-multi');
    expect(doc.info.version).toBe('1.0');
    expect(Object.keys(doc.releases).sort()).toEqual(['0.1', '0.2', '1.0', '2.0rc1']);
    expect(doc.urls[0]).toMatchObject({ filename: 'piw_demo_multi-1.0.tar.gz', packagetype: 'sdist', python_version: 'source', yanked: false });
    expect(doc.urls[0].digests.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.last_serial).toBe(standin.registry.lastSerial);
  });

  test('/pypi/<name>/<version>/json describes that version; unknown names and versions are 404 JSON', async () => {
    for (const source of MULTI) await standin.publish(source);
    const doc = await getJson(`${standin.jsonUrl}/piw-demo-multi/0.2/json`);
    expect(doc.info.version).toBe('0.2');
    expect(doc.urls.map((u: { filename: string }) => u.filename)).toEqual(['piw_demo_multi-0.2.tar.gz']);
    for (const path of ['/nope/json', '/piw-demo-multi/9.9/json']) {
      const res = await fetch(`${standin.jsonUrl}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ message: 'Not Found' });
    }
  });

  test('a null summary stays null (piwheels turns it into "")', async () => {
    standin.registry.addProject('bare');
    expect((await getJson(`${standin.jsonUrl}/bare/json`)).info.summary).toBeNull();
  });
});

describe('PyPI stand-in: XML-RPC changelog (spec/behaviours.md A.4)', () => {
  test('publishing, yanking and removing give PyPI’s events, which CPython’s xmlrpc.client reads', async () => {
    const start = standin.registry.lastSerial;
    await standin.publish(PURE);
    clock += 10;
    await standin.addFile('piw-demo-pure', '1.0', { filename: 'piw_demo_pure-1.0-py3-none-any.whl', content: Buffer.from('not really a wheel') });
    standin.registry.yankRelease('piw-demo-pure', '1.0');
    standin.registry.unyankRelease('piw-demo-pure', '1.0');
    standin.registry.removeRelease('piw-demo-pure', '1.0');
    standin.registry.removeProject('piw-demo-pure');
    const answer = (await pythonXmlRpc(standin.xmlrpcUrl, `changelog_since_serial(${start})`)) as { result: unknown[][] };
    const t = 1_700_000_000;
    expect(answer.result).toEqual([
      ['piw-demo-pure', null, t, 'create', 700_000],
      ['piw-demo-pure', '1.0', t, 'new release', 700_001],
      ['piw-demo-pure', '1.0', t, 'add source file piw_demo_pure-1.0.tar.gz', 700_002],
      ['piw-demo-pure', '1.0', t + 10, 'add py3 file piw_demo_pure-1.0-py3-none-any.whl', 700_003],
      ['piw-demo-pure', '1.0', t + 10, 'yank release', 700_004],
      ['piw-demo-pure', '1.0', t + 10, 'unyank release', 700_005],
      ['piw-demo-pure', '1.0', t + 10, 'remove release', 700_006],
      ['piw-demo-pure', null, t + 10, 'remove project', 700_007],
    ]);
    expect(await pythonXmlRpc(standin.xmlrpcUrl, 'changelog_last_serial()')).toEqual({ result: 700_007 });
    expect((await fetch(`${standin.simpleUrl}piw-demo-pure/`)).status).toBe(404);
  });

  test('only events after the given serial are returned, at most changelogLimit of them', async () => {
    await standin.close();
    standin = await startPypiStandin({ changelogLimit: 2, firstSerial: 10, bootstrap: false });
    for (const source of MULTI) await standin.publish(source);
    const answer = (await pythonXmlRpc(standin.xmlrpcUrl, 'changelog_since_serial(11)')) as { result: unknown[][] };
    expect(answer.result.map((e) => e[4])).toEqual([12, 13]);
  });

  test('a respelt project shows its new spelling in later events; arbitrary actions can be logged', async () => {
    await standin.publish(CEXT);
    const start = standin.registry.lastSerial;
    standin.registry.respellProject('piw-demo-cext', 'Piw_Demo.CExt');
    await standin.publish({ ...CEXT, name: 'Piw_Demo.CExt', version: '1.1' });
    standin.registry.addEvent('piw-demo-cext', null, 'remove Owner somebody');
    const answer = (await pythonXmlRpc(standin.xmlrpcUrl, `changelog_since_serial(${start})`)) as { result: unknown[][] };
    expect(answer.result.map((e) => [e[0], e[3]])).toEqual([
      ['Piw_Demo.CExt', 'new release'],
      ['Piw_Demo.CExt', 'add source file piw_demo_cext-1.1.tar.gz'],
      ['Piw_Demo.CExt', 'remove Owner somebody'],
    ]);
    expect(() => standin.registry.respellProject('piw-demo-cext', 'other-name')).toThrow(/not a spelling/);
  });

  test.each([
    ['an unknown method', "<?xml version='1.0'?><methodCall><methodName>no_such_method</methodName><params/></methodCall>", -32601],
    ['a string serial', '<methodCall><methodName>changelog_since_serial</methodName><params><param><value>12</value></param></params></methodCall>', -32602],
    ['no serial', '<methodCall><methodName>changelog_since_serial</methodName></methodCall>', -32602],
    ['XML that is not well formed', '<methodCall><methodName>changelog_since_serial</methodName><params><param>', -32700],
    ['a DTD', '<!DOCTYPE x [<!ENTITY a "b">]><methodCall><methodName>x</methodName></methodCall>', -32700],
  ])('%s gets an XML-RPC fault', async (_what, body, code) => {
    const text = await xmlCall(standin.xmlrpcUrl, body);
    expect(text).toContain('<fault>');
    expect(text).toContain(`<name>faultCode</name>\n<value><int>${code}</int></value>`);
  });

  test('GET on the XML-RPC endpoint is not allowed', async () => {
    const res = await fetch(standin.xmlrpcUrl);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('PyPI stand-in: injected failures (for Cloud Gazer resilience tests)', () => {
  const call = "<?xml version='1.0'?><methodCall><methodName>changelog_last_serial</methodName><params></params></methodCall>";

  test('HTTP 500 for a number of requests, then normal answers', async () => {
    const fault = standin.injectFault({ target: 'xmlrpc', kind: 'status', status: 500, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(standin.xmlrpcUrl, { method: 'POST', body: call })).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect(fault.hits).toBe(2);
    expect((await pythonXmlRpc(standin.xmlrpcUrl, 'changelog_last_serial()')) as object).toEqual({ result: standin.registry.lastSerial });
  });

  test('a fault aimed at one target leaves the others alone', async () => {
    standin.injectFault({ target: 'json', kind: 'status', status: 503 });
    await standin.publish(PURE);
    expect((await fetch(`${standin.jsonUrl}/piw-demo-pure/json`)).status).toBe(503);
    expect((await fetch(`${standin.simpleUrl}piw-demo-pure/`)).status).toBe(200);
  });

  test('garbage instead of XML fails the client’s parse', async () => {
    standin.injectFault({ target: 'xmlrpc', kind: 'garbage', times: 1 });
    await expect(pythonXmlRpc(standin.xmlrpcUrl, 'changelog_last_serial()')).rejects.toThrow(/ExpatError|ResponseError|xml/i);
  });

  test('an XML-RPC fault can be injected', async () => {
    standin.injectFault({ target: 'xmlrpc', kind: 'xmlrpc-fault', faultCode: -32500, faultString: 'application error; try later' });
    expect(await pythonXmlRpc(standin.xmlrpcUrl, 'changelog_since_serial(0)')).toEqual({ fault: [-32500, 'application error; try later'] });
  });

  test('a reset connection fails the request; removing the fault restores service', async () => {
    const fault = standin.injectFault({ kind: 'reset' });
    await expect(fetch(`${standin.simpleUrl}`)).rejects.toThrow();
    fault.remove();
    expect((await fetch(standin.simpleUrl)).status).toBe(200);
  });

  test('a delayed answer still arrives; a hung one never does until the client gives up', async () => {
    const delay = standin.injectFault({ target: 'simple', kind: 'delay', ms: 50, times: 1 });
    expect((await fetch(standin.simpleUrl)).status).toBe(200);
    expect(delay.hits).toBe(1);
    standin.injectFault({ target: 'simple', kind: 'hang' });
    const abort = new AbortController();
    const pending = fetch(standin.simpleUrl, { signal: abort.signal });
    while (standin.requests.filter((r) => r.target === 'simple').length < 2) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    await expect(pending).rejects.toThrow(/abort/i);
  });

  test('requests are recorded with their target, status, user agent and XML-RPC method', async () => {
    await fetch(standin.xmlrpcUrl, { method: 'POST', body: call, headers: { 'User-Agent': 'piwheels/0.18' } });
    expect(standin.requests.at(-1)).toEqual({
      method: 'POST',
      path: '/pypi',
      target: 'xmlrpc',
      status: 200,
      userAgent: 'piwheels/0.18',
      xmlrpcMethod: 'changelog_last_serial',
    });
  });
});
