import { stat } from 'node:fs/promises';
import * as zmq from 'zeromq';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { createRouterAdapter, type RouterEvent } from '../../../actors/zmq/router.js';
import { createRequestClient } from '../../../actors/zmq/request.js';
import { encodeCbor } from '../../../protocols/cbor/index.js';
import { TimeDelta } from '../../../protocols/cbor/index.js';
import { importerProtocol, mrChaseProtocol } from '../../../protocols/mr-chase.js';
import { slaveClientProtocol, slaveDriverProtocol } from '../../../protocols/slave-driver.js';
import { Collector, eventually, tempDir, transports } from './support.js';

type SlaveEvent = RouterEvent<(typeof slaveDriverProtocol)['recv']>;

const hello = {
  verb: 'HELLO' as const,
  data: [
    new TimeDelta(0, 10800, 0),
    new TimeDelta(0, 300, 0),
    '311',
    'cp311',
    'linux_x86_64',
    'builder1',
    'Debian GNU/Linux',
    '12',
    'unknown',
    'unknown',
  ] as [TimeDelta, TimeDelta, string, string, string, string, string, string, string, string],
};

describe.each(transports)('ROUTER adapter over %s', (_name, transport) => {
  test('a REQ peer\'s request becomes a typed event and the reply reaches that peer', async () => {
    const { address, cleanup } = await transport();
    const log = memoryLogger('master.slave_driver');
    const events = new Collector<SlaveEvent>();
    const router = await createRouterAdapter({ protocol: slaveDriverProtocol, address, target: events, log });
    const client = createRequestClient({ protocol: slaveClientProtocol, address: router.endpoint, timeoutMs: 5000 });
    try {
      const reply = client.request(hello);
      const [event] = await events.take(1);
      expect(event).toMatchObject({ type: 'wire.message', msg: { verb: 'HELLO' } });
      const { peer, msg } = event as Extract<SlaveEvent, { type: 'wire.message' }>;
      expect(msg.data).toEqual(hello.data);
      await router.reply(peer, { verb: 'ACK', data: [1, 'https://pypi.org/simple'] });
      await expect(reply).resolves.toEqual({ verb: 'ACK', data: [1, 'https://pypi.org/simple'] });
    } finally {
      await client.close();
      await router.close();
      await cleanup();
    }
  });

  test('behaviours 5, 10: garbage from one peer is logged and dropped; another peer is served as usual', async () => {
    const { address, cleanup } = await transport();
    const log = memoryLogger('master.slave_driver');
    const events = new Collector<SlaveEvent>();
    const router = await createRouterAdapter({ protocol: slaveDriverProtocol, address, target: events, log });
    const rogue = new zmq.Dealer({ linger: 0 });
    rogue.connect(router.endpoint);
    const rogueReq = new zmq.Request({ linger: 0 });
    rogueReq.connect(router.endpoint);
    const client = createRequestClient({ protocol: slaveClientProtocol, address: router.endpoint, timeoutMs: 5000 });
    try {
      await rogue.send(['', encodeCbor('SENT'), 'extra']); // 4 frames at the ROUTER
      await rogue.send(['not empty', encodeCbor('SENT')]); // 3 frames, no empty delimiter
      await rogueReq.send(Buffer.from([0xff, 0x00, 0x13])); // not CBOR
      const [invalid] = await events.take(1);
      expect(invalid).toMatchObject({ type: 'wire.invalid', error: { code: 'PIW_ERR_DESERIALIZE' } });
      const reply = client.request({ verb: 'IDLE', data: [new Date(), 1, 1, 1, 1, 1, 1, 0.5, 40] });
      const [, event] = await events.take(2);
      expect(event).toMatchObject({ type: 'wire.message', msg: { verb: 'IDLE' } });
      await router.reply((event as { peer: string }).peer, { verb: 'SLEEP', data: false });
      await expect(reply).resolves.toEqual({ verb: 'SLEEP', data: false });
      const errors = () => log.entries.filter((e) => e.level === 'error').map((e) => e.message);
      await eventually(() => errors().filter((m) => m === 'invalid message structure received').length === 2);
      expect(errors().some((m) => m.startsWith('unable to deserialize data'))).toBe(true);
      expect(events.events.filter((e) => e.type === 'wire.invalid')).toHaveLength(1);
    } finally {
      rogue.close();
      rogueReq.close();
      await client.close();
      await router.close();
      await cleanup();
    }
  });

  test('behaviour 4: an unknown verb and invalid data are logged with their 0.18 messages and passed on as invalid', async () => {
    const { address, cleanup } = await transport();
    const log = memoryLogger('master.mr_chase');
    const events = new Collector<RouterEvent<(typeof mrChaseProtocol)['recv']>>();
    const router = await createRouterAdapter({ protocol: mrChaseProtocol, address, target: events, log });
    const a = new zmq.Request({ linger: 0 });
    const b = new zmq.Request({ linger: 0 });
    a.connect(router.endpoint);
    b.connect(router.endpoint);
    try {
      await a.send(encodeCbor('FROB'));
      await events.take(1);
      await b.send(encodeCbor(['REMOVE', ['numpy', 1, '']]));
      const [first, second] = await events.take(2);
      expect(first).toMatchObject({ type: 'wire.invalid', error: { message: 'unknown message: FROB' } });
      expect(second).toMatchObject({ type: 'wire.invalid', error: { code: 'PIW_ERR_INVALID_DATA' } });
      expect(first!.peer).not.toBe(second!.peer);
      // The owner may answer an invalid request as its protocol says.
      await router.reply(second!.peer, { verb: 'ERROR', data: 'invalid data for REMOVE' });
      const [frame] = await b.receive();
      expect(importerProtocol.decode(frame!)).toEqual({ verb: 'ERROR', data: 'invalid data for REMOVE' });
    } finally {
      a.close();
      b.close();
      await router.close();
      await cleanup();
    }
  });

  test('behaviour 9: a reply that breaks the protocol throws before anything is sent', async () => {
    const { address, cleanup } = await transport();
    const router = await createRouterAdapter({ protocol: slaveDriverProtocol, address, target: new Collector<SlaveEvent>(), log: memoryLogger() });
    try {
      expect(() => router.reply('00', { verb: 'SLEEP' } as never)).toThrow('data must be specified for SLEEP');
      expect(() => router.reply('00', { verb: 'HELLO', data: hello.data } as never)).toThrow('unknown message: HELLO');
    } finally {
      await router.close();
      await cleanup();
    }
  });
});

describe('ROUTER adapter sockets', () => {
  test('the import queue\'s ipc socket file is made private (0600) after bind', async () => {
    const dir = await tempDir();
    const router = await createRouterAdapter({
      protocol: mrChaseProtocol,
      address: `ipc://${dir.path}/piw-import`,
      target: new Collector<RouterEvent<(typeof mrChaseProtocol)['recv']>>(),
      log: memoryLogger(),
      ipcMode: 'private',
    });
    try {
      expect((await stat(`${dir.path}/piw-import`)).mode & 0o777).toBe(0o600);
    } finally {
      await router.close();
      await dir.remove();
    }
  });

  test('tcp sockets are dual-stack: `tcp://*:*` answers a client on ::1 (IPv6 on, as 0.18)', async () => {
    const events = new Collector<SlaveEvent>();
    const router = await createRouterAdapter({ protocol: slaveDriverProtocol, address: 'tcp://*:*', target: events, log: memoryLogger() });
    const port = router.endpoint.slice(router.endpoint.lastIndexOf(':') + 1);
    const client = createRequestClient({ protocol: slaveClientProtocol, address: `tcp://[::1]:${port}`, timeoutMs: 5000 });
    try {
      const reply = client.request({ verb: 'SENT' }, { timeoutMs: 2000 });
      // Without IPv6 the request never arrives and the client's timeout fails the test.
      const [event] = await Promise.race([events.take(1), reply.then(() => [])]);
      await router.reply((event as { peer: string }).peer, { verb: 'DONE' });
      await expect(reply).resolves.toEqual({ verb: 'DONE' });
    } finally {
      await client.close();
      await router.close();
    }
  });

  test('closing ends the receive loop', async () => {
    const router = await createRouterAdapter({ protocol: slaveDriverProtocol, address: 'tcp://127.0.0.1:*', target: new Collector<SlaveEvent>(), log: memoryLogger() });
    await router.close();
    await expect(router.closed).resolves.toBeUndefined();
  });
});

describe('issue 11: limits at the edge of a ROUTER', () => {
  test('a frame over the protocol\'s maxFrame never arrives (ZeroMQ drops the peer); the peer\'s later connection and others are served', async () => {
    const events = new Collector<SlaveEvent>();
    const log = memoryLogger('master.slave_driver');
    const router = await createRouterAdapter({ protocol: slaveDriverProtocol, address: 'tcp://127.0.0.1:*', target: events, log });
    const rogue = new zmq.Dealer({ linger: 0 });
    rogue.connect(router.endpoint);
    const client = createRequestClient({ protocol: slaveClientProtocol, address: router.endpoint, timeoutMs: 30_000 });
    try {
      await rogue.send([Buffer.alloc(0), Buffer.alloc(slaveDriverProtocol.maxFrame + 1, 0x41)]);
      await rogue.send([Buffer.alloc(0), encodeCbor('BYE')]);
      const reply = client.request(hello);
      const [event] = await events.take(1);
      expect(event).toMatchObject({ type: 'wire.message', msg: { verb: 'HELLO' } });
      await router.reply((event as Extract<SlaveEvent, { type: 'wire.message' }>).peer, { verb: 'ACK', data: [1, 'x'] });
      await reply;
      // Whatever reached the router from the rogue came after the big frame, on a new connection.
      expect(events.events.filter((e) => e.type === 'wire.invalid')).toEqual([]);
      expect(log.entries).toEqual([]);
    } finally {
      rogue.close();
      await client.close();
      await router.close();
    }
  });

  test('a peer past its fault budget has its messages dropped unread: a thousand bad frames cost a few decodes and log lines, and an honest peer is served', async () => {
    const events = new Collector<SlaveEvent>();
    const log = memoryLogger('master.slave_driver');
    const router = await createRouterAdapter({ protocol: slaveDriverProtocol, address: 'tcp://127.0.0.1:*', target: events, log });
    const rogue = new zmq.Dealer({ linger: 0 });
    rogue.connect(router.endpoint);
    const client = createRequestClient({ protocol: slaveClientProtocol, address: router.endpoint, timeoutMs: 30_000 });
    try {
      for (let i = 0; i < 1000; i++) await rogue.send([Buffer.alloc(0), Buffer.from([0xff, i & 0xff])]);
      // Eleven decoded (the budget of ten, and the one that went past it); the rest dropped unread.
      await eventually(() => events.events.filter((e) => e.type === 'wire.invalid').length === 11);
      const reply = client.request(hello);
      await eventually(() => events.events.some((e) => e.type === 'wire.message'));
      const honest = events.events.find((e) => e.type === 'wire.message') as Extract<SlaveEvent, { type: 'wire.message' }>;
      await router.reply(honest.peer, { verb: 'ACK', data: [1, 'x'] });
      await expect(reply).resolves.toMatchObject({ verb: 'ACK' });
      expect(events.events.filter((e) => e.type === 'wire.invalid').length).toBe(11);
      expect(log.entries.length).toBe(10);
    } finally {
      rogue.close();
      await client.close();
      await router.close();
    }
  });
});

