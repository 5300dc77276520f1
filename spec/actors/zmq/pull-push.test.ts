import { stat } from 'node:fs/promises';
import * as zmq from 'zeromq';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { createPullAdapter, createSubscriberAdapter, type WireEvent } from '../../../actors/zmq/pull.js';
import { createPublisherAdapter, createPushAdapter } from '../../../actors/zmq/push.js';
import { masterControlProtocol, monitorControlProtocol } from '../../../protocols/master-control.js';
import { monitorProtocol, monitorStatsProtocol } from '../../../protocols/monitor-stats.js';
import { Collector, tempDir, transports } from './support.js';

type ControlEvent = WireEvent<(typeof masterControlProtocol)['recv']>;
type StatusEvent = WireEvent<(typeof monitorProtocol)['recv']>;

describe.each(transports)('PUSH → PULL over %s (control queue)', (_name, transport) => {
  test('pushed messages arrive in order as typed events', async () => {
    const { address, cleanup } = await transport();
    const events = new Collector<ControlEvent>();
    const pull = await createPullAdapter({ protocol: masterControlProtocol, address, target: events, log: memoryLogger(), hwm: 10 });
    const push = createPushAdapter({ protocol: monitorControlProtocol, address: pull.endpoint });
    try {
      expect(await push.push({ verb: 'HELLO' })).toBe(true);
      expect(await push.push({ verb: 'KILL', data: 3 })).toBe(true);
      expect(await push.push({ verb: 'SLEEP', data: null })).toBe(true);
      expect((await events.take(3)).map((e) => e.msg)).toEqual([{ verb: 'HELLO' }, { verb: 'KILL', data: 3 }, { verb: 'SLEEP', data: null }]);
    } finally {
      await push.close();
      await pull.close();
      await cleanup();
    }
  });

  test('behaviours 21, 27: a garbage control frame logs "unable to deserialize data" and the next message still arrives', async () => {
    const { address, cleanup } = await transport();
    const log = memoryLogger('master');
    const events = new Collector<ControlEvent>();
    const pull = await createPullAdapter({ protocol: masterControlProtocol, address, target: events, log });
    const raw = new zmq.Push({ linger: 0 });
    raw.connect(pull.endpoint);
    try {
      await raw.send(Buffer.from([0x9f, 0x01]));
      await raw.send(Buffer.from('\x64KILL', 'latin1')); // bare KILL: its data is required (protocols/README.md §4.10)
      await raw.send(['two', 'frames']);
      await raw.send(Buffer.from([0x64, 0x51, 0x55, 0x49, 0x54])); // "QUIT"
      expect((await events.take(1))[0]!.msg).toEqual({ verb: 'QUIT' });
      expect(log.entries.map((e) => e.message)).toEqual([
        'unable to deserialize data',
        'missing data for: KILL',
        'invalid message structure received',
      ]);
    } finally {
      raw.close();
      await pull.close();
      await cleanup();
    }
  });
});

describe('PUSH / PULL / PUB sockets', () => {
  test('behaviour 36: the control PULL and status PUB ipc socket files are made group-writable', async () => {
    const dir = await tempDir();
    const pull = await createPullAdapter({
      protocol: masterControlProtocol,
      address: `ipc://${dir.path}/piw-control`,
      target: new Collector<ControlEvent>(),
      log: memoryLogger(),
      ipcMode: 'group-writable',
    });
    const pub = await createPublisherAdapter({ protocol: monitorStatsProtocol, address: `ipc://${dir.path}/piw-status`, ipcMode: 'group-writable' });
    try {
      expect((await stat(`${dir.path}/piw-control`)).mode & 0o020).toBe(0o020);
      expect((await stat(`${dir.path}/piw-status`)).mode & 0o020).toBe(0o020);
    } finally {
      await pub.close();
      await pull.close();
      await dir.remove();
    }
  });

  test('behaviour 9: an invalid push throws before anything is sent', async () => {
    const push = createPushAdapter({ protocol: monitorControlProtocol, address: 'tcp://127.0.0.1:1' });
    try {
      await expect(push.push({ verb: 'KILL' } as never)).rejects.toThrow('data must be specified for KILL');
    } finally {
      await push.close();
    }
  });

  test('with dropAfterMs, once the queue to an absent logger is full a push is dropped (false) instead of waiting (piw-logger --drop)', async () => {
    const dir = await tempDir();
    const push = createPushAdapter({ protocol: monitorControlProtocol, address: `ipc://${dir.path}/nobody`, hwm: 2, dropAfterMs: 10 });
    try {
      const results: boolean[] = [];
      for (let i = 0; i < 10; i++) results.push(await push.push({ verb: 'QUIT' }));
      expect(results).toContain(false);
      expect(results.indexOf(false)).toBeGreaterThan(0);
    } finally {
      await push.close();
      await dir.remove();
    }
  });

  test('behaviours 11, 28: PUB → SUB: a subscriber (subscribed to everything) receives the status stream unchanged', async () => {
    const dir = await tempDir();
    const pub = await createPublisherAdapter({ protocol: monitorStatsProtocol, address: `ipc://${dir.path}/status` });
    const events = new Collector<StatusEvent>();
    const sub = createSubscriberAdapter({ protocol: monitorProtocol, address: pub.endpoint, target: events, log: memoryLogger() });
    const status = { verb: 'SLAVE' as const, data: [2, new Date('2020-09-15T12:00:00Z'), 'SEND', 'numpy-1.14.0-cp311-cp311-linux_x86_64.whl'] as [number, Date, 'SEND', string] };
    try {
      // A subscriber joins asynchronously (zmq's slow joiner): publish until the first message gets through.
      while (events.events.length === 0) {
        await pub.publish(status);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(events.events[0]!.msg).toEqual(status);
    } finally {
      await sub.close();
      await pub.close();
      await dir.remove();
    }
  });

  test('issue 15: with no subscriber a status is dropped before it is encoded (listening() false); from the first subscription to the last unsubscription every one is', async () => {
    const dir = await tempDir();
    let encoded = 0;
    const counting = Object.create(monitorStatsProtocol) as typeof monitorStatsProtocol;
    counting.encode = (msg) => (encoded++, monitorStatsProtocol.encode(msg));
    const pub = await createPublisherAdapter({ protocol: counting, address: `ipc://${dir.path}/status` });
    const status = { verb: 'SLAVE' as const, data: [2, new Date('2020-09-15T12:00:00Z'), 'SEND', 'x.whl'] as [number, Date, 'SEND', string] };
    const sub = new zmq.Subscriber({ linger: 0 });
    try {
      for (let i = 0; i < 5; i++) await pub.publish(status);
      expect([encoded, pub.listening()]).toEqual([0, false]);
      sub.connect(pub.endpoint);
      sub.subscribe();
      // The subscription reaches the publisher asynchronously; from then on each message is encoded and received.
      while (encoded === 0) {
        await pub.publish(status);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const [frame] = await sub.receive();
      expect(monitorProtocol.decode(frame!)).toEqual(status);
      const before = encoded;
      await pub.publish(status);
      expect([encoded, pub.listening()]).toEqual([before + 1, true]);
      // A monitor that goes away closes its socket: its last unsubscription reaches the publisher.
      sub.close();
      for (let quiet = 0; quiet < 3; ) {
        const was = encoded;
        await pub.publish(status);
        await new Promise((resolve) => setTimeout(resolve, 5));
        quiet = encoded === was ? quiet + 1 : 0;
      }
      const after = encoded;
      for (let i = 0; i < 5; i++) await pub.publish(status);
      expect([encoded, pub.listening()]).toEqual([after, false]);
    } finally {
      sub.close();
      await pub.close();
      await dir.remove();
    }
  });

  test('issue 11: a 16 MiB subscription is refused: the publisher\'s memory stays put and a monitor keeps its stream', async () => {
    const dir = await tempDir();
    const pub = await createPublisherAdapter({ protocol: monitorStatsProtocol, address: `ipc://${dir.path}/status` });
    const events = new Collector<StatusEvent>();
    const sub = createSubscriberAdapter({ protocol: monitorProtocol, address: pub.endpoint, target: events, log: memoryLogger() });
    const hostile = new zmq.XSubscriber({ linger: 0 });
    const status = { verb: 'SLAVE' as const, data: [2, new Date('2020-09-15T12:00:00Z'), 'SEND', 'x.whl'] as [number, Date, 'SEND', string] };
    try {
      while (events.events.length === 0) {
        await pub.publish(status);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const before = process.memoryUsage().rss;
      hostile.connect(pub.endpoint);
      await hostile.send(Buffer.concat([Buffer.from([1]), Buffer.alloc(16 << 20, 0x41)]));
      // The publisher takes in subscriptions as it sends: keep publishing, and watch its memory meanwhile.
      let peak = before;
      const received = events.events.length;
      for (let i = 0; i < 200 || events.events.length <= received; i++) {
        await pub.publish(status);
        await new Promise((resolve) => setTimeout(resolve, 10));
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      expect((peak - before) >> 20).toBeLessThan(64);
    } finally {
      hostile.close();
      await sub.close();
      await pub.close();
      await dir.remove();
    }
  });
});
