import { Readable } from 'node:stream';
import * as zmq from 'zeromq';
import { compileLogFormat } from '../../../actors/access-log/log-format.js';
import { createLogPusher } from '../../../actors/access-log/log-pusher.js';
import { openSources } from '../../../actors/access-log/line-source.js';
import { runLogger } from '../../../actors/access-log/run-logger.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { ProtocolError } from '../../../protocols/errors.js';
import { lumberjackProtocol } from '../../../protocols/lumberjack.js';
import { MIXED, combined, tempDir } from './samples.js';

let dir: { path: string; remove(): Promise<void> };
let address: string;
beforeEach(async () => {
  dir = await tempDir();
  address = `ipc://${dir.path}/log`;
});
afterEach(() => dir.remove());

const stdinOf = (lines: string[]) => () => Readable.from([Buffer.from(lines.join('\n') + '\n')]);

async function receive(pull: zmq.Pull, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const [frame] = await pull.receive();
    out.push(lumberjackProtocol.decode(frame!));
  }
  return out;
}

describe('runLogger over a real PUSH socket', () => {
  it('pushes one lumberjack message per classified line and counts the rest', async () => {
    const pull = new zmq.Pull({ linger: 0 });
    await pull.bind(address);
    const pusher = createLogPusher({ address, drop: false });
    const log = memoryLogger('piw-logger');
    try {
      const counts = await runLogger({
        parser: compileLogFormat('combined'),
        sources: await openSources([], stdinOf(Object.values(MIXED))),
        queue: pusher,
        log,
      });
      const got = await receive(pull, 5);
      expect(got.map((m) => m.verb)).toEqual(['LOGDOWNLOAD', 'LOGSEARCH', 'LOGPROJECT', 'LOGJSON', 'LOGPAGE']);
      expect(got[1]).toEqual({
        verb: 'LOGSEARCH',
        data: ['flask', '2001:db8::7', new Date(Date.UTC(2020, 8, 15, 12)), null, null, null, null, null, 'CPython', null, null, null, null],
      });
      expect(got[2]!.data[3]).toBe('Mozilla/5.0 "quoted" café');
      expect(counts).toMatchObject({ lines: 9, ignored: 3, malformed: 1, dropped: 0 });
      expect(log.entries.some((e) => e.level === 'debug' && e.message.includes('malformed line in standard input'))).toBe(true);
    } finally {
      pusher.close();
      pull.close();
    }
  });

  it('with --drop and nobody listening, drops records with one warning instead of blocking', async () => {
    const pusher = createLogPusher({ address, drop: true, hwm: 10 });
    const log = memoryLogger('piw-logger');
    const lines = Array.from({ length: 300 }, (_, i) => combined(`/page${i}.html`));
    try {
      const counts = await runLogger({ parser: compileLogFormat('combined'), sources: await openSources([], stdinOf(lines)), queue: pusher, log });
      expect(counts.records.LOGPAGE).toBe(300);
      expect(counts.dropped).toBeGreaterThan(0);
      expect(counts.dropped).toBeLessThanOrEqual(300);
      expect(log.entries.filter((e) => e.level === 'warning').map((e) => e.message)).toEqual(['dropping log entry']);
    } finally {
      pusher.close();
    }
  });

  it('without --drop, waits for the master and loses nothing', async () => {
    const pusher = createLogPusher({ address, drop: false, hwm: 5 });
    const lines = Array.from({ length: 200 }, (_, i) => combined(`/page${i}.html`));
    const run = runLogger({
      parser: compileLogFormat('combined'),
      sources: await openSources([], stdinOf(lines)),
      queue: pusher,
      log: memoryLogger(),
    });
    let finished = false;
    void run.then(() => (finished = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The queue holds far fewer than 200 records: the run is still waiting for a reader.
    expect(finished).toBe(false);
    const pull = new zmq.Pull({ linger: 0 });
    await pull.bind(address);
    try {
      const got = await receive(pull, 200);
      expect(got.map((m) => m.data[0])).toEqual(lines.map((_, i) => `page${i}`));
      expect((await run).dropped).toBe(0);
    } finally {
      pusher.close();
      pull.close();
    }
  });

  it('counts a record the protocol refuses as a malformed line and carries on', async () => {
    const sent: string[] = [];
    const counts = await runLogger({
      parser: compileLogFormat('combined'),
      sources: await openSources([], stdinOf([MIXED.page, MIXED.json])),
      queue: {
        encode: (m) => {
          if (m.verb === 'LOGPAGE') throw new ProtocolError('PIW_ERR_SERIALIZE', 'unable to serialize data', m.verb);
          sent.push(m.verb);
          return Buffer.alloc(0);
        },
        send: async () => true,
      },
      log: memoryLogger(),
    });
    expect(sent).toEqual(['LOGJSON']);
    expect(counts).toMatchObject({ lines: 2, malformed: 1, records: { LOGPAGE: 0, LOGJSON: 1 } });
  });

  it('stops on an error of the queue itself', async () => {
    const run = runLogger({
      parser: compileLogFormat('combined'),
      sources: await openSources([], stdinOf([MIXED.page])),
      queue: {
        encode: () => Buffer.alloc(0),
        send: async () => {
          throw new Error('socket closed');
        },
      },
      log: memoryLogger(),
    });
    await expect(run).rejects.toThrow('socket closed');
  });

  it('stops between batches of lines when its signal aborts, sending what it read', async () => {
    const pull = new zmq.Pull({ linger: 0 });
    await pull.bind(address);
    const pusher = createLogPusher({ address, drop: false });
    const abort = new AbortController();
    let pushed = 0;
    try {
      const counts = await runLogger({
        parser: compileLogFormat('combined'),
        // One line per chunk read, so one per batch.
        sources: await openSources([], () => Readable.from(Array.from({ length: 50 }, () => Buffer.from(MIXED.page + '\n')))),
        queue: {
          encode: (m) => pusher.encode(m),
          send: async (frame) => {
            if (++pushed === 10) abort.abort();
            return pusher.send(frame);
          },
        },
        log: memoryLogger(),
        signal: abort.signal,
      });
      expect(counts.lines).toBe(10);
      expect(await receive(pull, 10)).toHaveLength(10);
    } finally {
      pusher.close();
      pull.close();
    }
  });
});
