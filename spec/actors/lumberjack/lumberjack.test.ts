import * as zmq from 'zeromq';
import { createActor, waitFor } from 'xstate';
import { createLogPusher, type LogPusher } from '../../../actors/access-log/log-pusher.js';
import type { LogMessage } from '../../../actors/access-log/classify.js';
import { lumberjackTask, type LumberjackInput } from '../../../actors/lumberjack/lumberjack.js';
import { MemoryLogSink, type LogRecord } from '../../../actors/lumberjack/log-sink.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { encodeCbor } from '../../../protocols/cbor/index.js';
import { loggerProtocol } from '../../../protocols/lumberjack.js';
import { tempDir } from '../access-log/samples.js';
import { FlakySink, eventually } from './sinks.js';

const WHEN = new Date(Date.UTC(2020, 8, 15, 12));
const JSON_FIELDS = ['armv7l', 'Raspbian GNU/Linux', '10', 'Linux', '4.19.97-v7+', 'CPython', '3.7.3', 'pip', '20.0.2', '44.0.0'];
const ONE_OF_EACH: LogMessage[] = [
  { verb: 'LOGDOWNLOAD', data: ['foo-1.0-py3-none-any.whl', '192.0.2.1', WHEN, ...JSON_FIELDS] as never },
  { verb: 'LOGSEARCH', data: ['foo', '2001:db8::1', WHEN, null, null, null, null, null, 'CPython', null, null, null, null] },
  { verb: 'LOGPROJECT', data: ['foo', '192.0.2.2', WHEN, 'Mozilla/5.0 "quoted"'] },
  { verb: 'LOGJSON', data: ['foo', '192.0.2.3', WHEN, 'wget'] },
  { verb: 'LOGPAGE', data: ['faq', '192.0.2.4', WHEN, 'Mozilla/5.0'] },
];

let dir: { path: string; remove(): Promise<void> };
let address: string;
let pusher: LogPusher;
const send = (msg: LogMessage) => pusher.send(pusher.encode(msg));
const actors: ReturnType<typeof createActor<typeof lumberjackTask>>[] = [];

beforeEach(async () => {
  dir = await tempDir();
  address = `ipc://${dir.path}/log`;
  pusher = createLogPusher({ address, drop: false });
});
afterEach(async () => {
  for (const a of actors.splice(0)) {
    if (a.getSnapshot().status !== 'active') continue;
    a.send({ type: 'QUIT' });
    await waitFor(a, (s) => s.status !== 'active');
  }
  pusher.close();
  await dir.remove();
});

async function start(input: Partial<LumberjackInput> & { sink: LumberjackInput['sink'] }) {
  const log = memoryLogger('lumberjack');
  const actor = createActor(lumberjackTask, { id: 'lumberjack', input: { address, log, batch: { flushDelayMs: 2, retryInitialMs: 1 }, ...input } });
  actor.start();
  actors.push(actor);
  await waitFor(actor, (s) => s.value === 'running');
  return { actor, log };
}

const messages = (log: ReturnType<typeof memoryLogger>, level: string) => log.entries.filter((e) => e.level === level).map((e) => e.message);

describe('the Lumberjack task', () => {
  it('behaviour 165: writes each record of every kind with identical fields', async () => {
    const sink = new MemoryLogSink();
    await start({ sink });
    for (const msg of ONE_OF_EACH) await send(msg);
    await eventually(() => sink.records.length === 5);
    expect(sink.records).toEqual(ONE_OF_EACH as LogRecord[]);
  });

  it('behaviour 165: writes many records in multi-record batches', async () => {
    const sink = new MemoryLogSink();
    await start({ sink, batch: { flushDelayMs: 20, maxBatch: 500 } });
    for (let i = 0; i < 3000; i++) await send({ verb: 'LOGPAGE', data: [`p${i}`, '192.0.2.1', WHEN, 'ua'] });
    await eventually(() => sink.records.length === 3000);
    expect(sink.records.map((r) => r.data[0])).toEqual(Array.from({ length: 3000 }, (_, i) => `p${i}`));
    expect(sink.batches.length).toBeLessThan(3000);
  });

  it('behaviour 166: logs invalid frames as errors and carries on', async () => {
    const sink = new MemoryLogSink();
    const { log } = await start({ sink });
    const raw = new zmq.Push({ linger: 0 });
    raw.connect(address);
    try {
      await raw.send(Buffer.from([0xff, 0x00, 0x13]));
      await raw.send(encodeCbor(['LOGNOTHING', ['x']]));
      await raw.send(encodeCbor(['LOGPAGE', ['faq', '192.0.2.1']]));
      await raw.send([encodeCbor('LOGPAGE'), Buffer.from('second frame')]);
      await send(ONE_OF_EACH[4]!);
      await eventually(() => sink.records.length === 1);
      expect(messages(log, 'error')).toEqual([
        'unable to deserialize data',
        'unknown message: LOGNOTHING',
        expect.stringMatching(/^invalid data for LOGPAGE: /),
        'invalid message structure received',
      ]);
    } finally {
      raw.close();
    }
  });

  it('behaviour 167: logs the non-zero counts per kind once per interval, then starts again', async () => {
    const sink = new MemoryLogSink();
    const { log } = await start({ sink, countsIntervalMs: 20 });
    const countLines = () => messages(log, 'info').filter((m) => m.startsWith('logged'));
    /** The counts of every "logged …" line so far, added up (records may straddle an interval). */
    const totals = () => {
      const sum: Record<string, number> = {};
      for (const line of countLines()) {
        expect(line).toMatch(/^logged \d+ [a-zA-Z ]+(, \d+ [a-zA-Z ]+)*$/);
        for (const [, n, kind] of line.matchAll(/(\d+) ([a-zA-Z ]+)/g)) sum[kind!] = (sum[kind!] ?? 0) + Number(n);
      }
      return sum;
    };
    await send(ONE_OF_EACH[0]!);
    await send(ONE_OF_EACH[0]!);
    await send(ONE_OF_EACH[4]!);
    await eventually(() => totals()['page hits'] === 1 && totals()['downloads'] === 2);
    expect(countLines().join('\n')).not.toMatch(/ 0 /);
    const after = countLines().length;
    // Nothing written: nothing logged, however many intervals pass.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(countLines()).toHaveLength(after);
    await send(ONE_OF_EACH[3]!);
    await eventually(() => countLines().length === after + 1);
    expect(countLines()[after]).toBe('logged 1 JSON hits');
    expect(totals()).toEqual({ downloads: 2, 'page hits': 1, 'JSON hits': 1 });
  });

  it('cuts page names longer than 30 characters instead of dying, and refuses non-IP hosts', async () => {
    const sink = new MemoryLogSink();
    const { log, actor } = await start({ sink });
    await send({ verb: 'LOGPAGE', data: ['a'.repeat(40), '192.0.2.1', WHEN, 'ua'] });
    await send({ verb: 'LOGPAGE', data: ['faq', 'not-an-address', WHEN, 'ua'] });
    await send({ verb: 'LOGPAGE', data: ['faq', '192.0.2.1', WHEN, 'ua'] });
    await eventually(() => sink.records.length === 2);
    expect(sink.records.map((r) => r.data[0])).toEqual(['a'.repeat(30), 'faq']);
    expect(messages(log, 'error')).toEqual(['dropping a LOGPAGE record that cannot be stored: host "not-an-address" is not an IP address']);
    expect(actor.getSnapshot().value).toBe('running');
    // The counts not yet logged are logged on the way out.
    actor.send({ type: 'QUIT' });
    await waitFor(actor, (s) => s.status === 'done');
    expect(messages(log, 'info')).toContain('logged 2 page hits; 1 truncated to fit; 1 refused');
  });

  it('loses nothing while the database is away for a while', async () => {
    const sink = new FlakySink(5);
    await start({ sink });
    for (const msg of ONE_OF_EACH) await send(msg);
    await eventually(() => sink.records.length === 5);
    expect(sink.attempts).toBeGreaterThan(5);
    expect(sink.records).toEqual(ONE_OF_EACH as LogRecord[]);
  });

  it('behaviour 17: reads and writes nothing while paused, everything once resumed', async () => {
    const sink = new MemoryLogSink();
    const { actor } = await start({ sink });
    actor.send({ type: 'PAUSE' });
    await waitFor(actor, (s) => s.value === 'paused');
    for (const msg of ONE_OF_EACH) await send(msg);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sink.records).toHaveLength(0);
    actor.send({ type: 'RESUME' });
    await eventually(() => sink.records.length === 5);
  });

  it('writes what it holds on QUIT, even while paused, and stops', async () => {
    const sink = new MemoryLogSink();
    const { actor, log } = await start({ sink, batch: { flushDelayMs: 60_000 } });
    // One connection keeps its order: once the garbage after the records is reported, the records were read.
    const raw = new zmq.Push({ linger: 0 });
    raw.connect(address);
    try {
      for (const msg of ONE_OF_EACH) await raw.send(loggerProtocol.encode(msg));
      await raw.send(Buffer.from([0xff]));
      await eventually(() => messages(log, 'error').length === 1);
      expect(sink.records).toHaveLength(0);
      actor.send({ type: 'PAUSE' });
      actor.send({ type: 'QUIT' });
      await waitFor(actor, (s) => s.status === 'done');
      expect(sink.records).toEqual(ONE_OF_EACH as LogRecord[]);
      expect(messages(log, 'info')).toContain('logged 1 downloads, 1 searches, 1 project hits, 1 JSON hits, 1 page hits');
    } finally {
      raw.close();
    }
  });

  it('reports the records it could not write when the database stays away past the drain deadline', async () => {
    const sink = new FlakySink(Number.POSITIVE_INFINITY);
    const { actor, log } = await start({ sink, drainTimeoutMs: 20 });
    for (const msg of ONE_OF_EACH) await send(msg);
    await eventually(() => sink.attempts > 0);
    actor.send({ type: 'QUIT' });
    await waitFor(actor, (s) => s.status === 'done');
    expect(messages(log, 'error')).toContain('5 log records were not written: the database did not take them within 20 ms');
  });
});
