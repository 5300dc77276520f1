/**
 * The live view's server on a free loopback port, fed by a real actor: the page and its assets, the tree
 * and one actor as JSON, a catalogue chart's outline, the Server-Sent Events stream (the whole tree on
 * connect, then deltas with the focused actor's detail, a burst of events coalesced into one delta), and
 * what it refuses: another Host (DNS rebinding), other methods, unknown paths, too many streams.
 */
import { request } from 'node:http';
import { createActor, setup, type Actor } from 'xstate';
import { ChartIndex } from '../../../actors/inspect/charts.js';
import { Recorder } from '../../../actors/inspect/recorder.js';
import { InspectServer } from '../../../actors/inspect/server.js';
import { slaveSessionMachine } from '../../../machines/slave-session/index.js';

const counter = setup({ types: { events: {} as { type: 'INC'; by: number } | { type: 'BUSY' } } }).createMachine({
  id: 'counter',
  context: { n: 0 },
  initial: 'idle',
  states: { idle: { on: { BUSY: 'busy' } }, busy: {} },
  on: { INC: { actions: ({ context, event }) => void (context.n += event.by) } },
});

let server: InspectServer;
let root: Actor<typeof counter>;
let drawn = 0;

beforeAll(async () => {
  const charts = new ChartIndex({ counter, 'slave-session': slaveSessionMachine });
  const recorder = new Recorder({ charts });
  root = createActor(counter, { inspect: recorder.observe }).start();
  server = await InspectServer.listen({
    address: { host: '127.0.0.1', port: 0 },
    recorder,
    charts,
    pushMs: 20,
    maxClients: 2,
    draw: async (name) => (drawn++, { svg: `<svg><g class="state" data-state="${name}"></g></svg>` }),
  });
});
afterAll(async () => {
  await server?.close();
  root?.stop();
});

function get(path: string, opts: { method?: string; host?: string } = {}): Promise<{ status: number; type: string; body: string; headers: Record<string, unknown> }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.host === undefined ? {} : { host: opts.host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An open event stream: `next(name)` resolves with the next event of that name (earlier ones skipped). */
async function stream(query = '') {
  const controller = new AbortController();
  const res = await fetch(new URL(`/api/stream${query}`, server.url), { signal: controller.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const seen: { event: string; data: any }[] = [];
  async function next(name: string): Promise<any> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === undefined || data === undefined) continue;
        seen.push({ event, data: JSON.parse(data) });
        if (event === name) return JSON.parse(data);
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before a ${name} event`);
      buffer += value;
    }
  }
  return { res, next, seen, close: () => controller.abort() };
}

test('serves its page, script and style, loopback only and never cached', async () => {
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await get('/');
  expect(page.status).toBe(200);
  expect(page.type).toBe('text/html; charset=utf-8');
  expect(page.body).toContain('<script src="/inspect.js" defer></script>');
  expect(page.headers['cache-control']).toBe('no-store');
  expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  expect((await get('/inspect.js')).type).toBe('text/javascript; charset=utf-8');
  expect((await get('/inspect.css')).type).toBe('text/css; charset=utf-8');
});

test('the tree and one actor as JSON; a gone actor is 404', async () => {
  const tree = JSON.parse((await get('/api/actors')).body);
  expect(tree).toEqual({ actors: [expect.objectContaining({ key: root.sessionId, id: 'counter', chart: 'counter', state: 'idle' })], untracked: 0 });
  const detail = JSON.parse((await get(`/api/actors/${encodeURIComponent(root.sessionId)}`)).body);
  expect(detail).toMatchObject({ id: 'counter', active: ['counter', 'counter.idle'], lastEvents: [{ type: 'xstate.init' }] });
  expect((await get('/api/actors/x%3A999')).status).toBe(404);
});

test("a catalogue chart: its outline, and its drawing made once however often it is asked for", async () => {
  const first = JSON.parse((await get('/api/charts/slave-session')).body);
  expect(first.outline).toMatchObject({ id: 'slaveSession', children: expect.arrayContaining([expect.objectContaining({ id: 'slaveSession.connected' })]) });
  expect(first.svg).toBe('<svg><g class="state" data-state="slave-session"></g></svg>');
  await get('/api/charts/slave-session');
  expect(drawn).toBe(1);
  expect((await get('/api/charts/no-such')).status).toBe(404);
  expect((await get('/api/charts/constructor')).status).toBe(404);
});

test('the stream: the tree first, then deltas and the focused actor moving from idle to busy', async () => {
  const s = await stream(`?focus=${encodeURIComponent(root.sessionId)}`);
  try {
    expect(s.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect((await s.next('tree')).actors.map((a: { id: string }) => a.id)).toEqual(['counter']);
    expect((await s.next('detail')).state).toBe('idle');
    root.send({ type: 'BUSY' });
    const delta = await s.next('delta');
    expect(delta.changed).toEqual([expect.objectContaining({ id: 'counter', state: 'busy' })]);
    const detail = await s.next('detail');
    expect(detail.active).toEqual(['counter', 'counter.busy']);
    expect(detail.lastEvents.at(-1)).toMatchObject({ type: 'BUSY' });
  } finally {
    s.close();
  }
});

test('a burst of events between two pushes arrives as one delta naming the actor once', async () => {
  const s = await stream();
  try {
    await s.next('tree');
    for (let i = 0; i < 1000; i++) root.send({ type: 'INC', by: 1 });
    const delta = await s.next('delta');
    expect(delta.changed.map((a: { id: string }) => a.id)).toEqual(['counter']);
    expect(delta.changed[0].events).toBeGreaterThanOrEqual(1000);
  } finally {
    s.close();
  }
});

test('refused: another Host header, other methods, unknown paths, more streams than allowed', async () => {
  const rebound = await get('/api/actors', { host: 'attacker.example:80' });
  expect(rebound.status).toBe(403);
  expect(rebound.body).toBe('the live view answers requests for a loopback address only\n');
  expect((await get('/api/actors', { host: 'localhost:1' })).status).toBe(200);
  expect((await get('/api/actors', { host: '[::1]:1' })).status).toBe(200);
  expect((await get('/', { method: 'POST' })).status).toBe(405);
  expect((await get('/../package.json')).status).toBe(404);
  expect((await get('/web-templates/inspect/index.html')).status).toBe(404);
  const a = await stream();
  const b = await stream();
  try {
    await a.next('tree');
    await b.next('tree');
    const third = await get('/api/stream');
    expect(third.status).toBe(503);
  } finally {
    a.close();
    b.close();
  }
});
