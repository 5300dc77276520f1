import * as zmq from 'zeromq';
import { encodeCbor } from '../../../protocols/cbor/index.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { createRouterAdapter, type RouterEvent } from '../../../actors/zmq/router.js';
import { createRequestClient } from '../../../actors/zmq/request.js';
import { slaveClientProtocol, slaveDriverProtocol } from '../../../protocols/slave-driver.js';
import { Collector, transports } from './support.js';

type SlaveEvent = RouterEvent<(typeof slaveDriverProtocol)['recv']>;
type Received = Extract<SlaveEvent, { type: 'wire.message' }>;

async function setup(address: string) {
  const events = new Collector<SlaveEvent>();
  const router = await createRouterAdapter({ protocol: slaveDriverProtocol, address, target: events, log: memoryLogger() });
  const client = createRequestClient({ protocol: slaveClientProtocol, address: router.endpoint });
  return { events, router, client };
}

describe.each(transports)('REQ client over %s', (_name, transport) => {
  test('requests go one at a time, in order, each with its reply', async () => {
    const { address, cleanup } = await transport();
    const { events, router, client } = await setup(address);
    try {
      const first = client.request({ verb: 'SENT' });
      const second = client.request({ verb: 'BYE' });
      const [a] = (await events.take(1)) as Received[];
      expect(a!.msg.verb).toBe('SENT');
      await router.reply(a!.peer, { verb: 'DONE' });
      await expect(first).resolves.toEqual({ verb: 'DONE' });
      const [, b] = (await events.take(2)) as Received[];
      expect(b!.msg.verb).toBe('BYE');
      expect(b!.peer).toBe(a!.peer);
      await router.reply(b!.peer, { verb: 'DIE' });
      await expect(second).resolves.toEqual({ verb: 'DIE' });
    } finally {
      await client.close();
      await router.close();
      await cleanup();
    }
  });

  test('no reply within the timeout → PIW_ERR_ZMQ_TIMEOUT, and the next request goes out on a fresh socket (a new peer)', async () => {
    const { address, cleanup } = await transport();
    const { events, router, client } = await setup(address);
    try {
      await expect(client.request({ verb: 'SENT' }, { timeoutMs: 50 })).rejects.toMatchObject({
        code: 'PIW_ERR_ZMQ_TIMEOUT',
        message: expect.stringContaining('no reply to SENT'),
      });
      const next = client.request({ verb: 'SENT' });
      const [stale, fresh] = (await events.take(2)) as Received[];
      expect(fresh!.peer).not.toBe(stale!.peer);
      await router.reply(stale!.peer, { verb: 'DONE' }); // too late: that socket is gone
      await router.reply(fresh!.peer, { verb: 'DIE' });
      await expect(next).resolves.toEqual({ verb: 'DIE' });
    } finally {
      await client.close();
      await router.close();
      await cleanup();
    }
  });

  test('notify sends a message that gets no reply (BYE) and later requests use a fresh socket', async () => {
    const { address, cleanup } = await transport();
    const { events, router, client } = await setup(address);
    try {
      await client.notify({ verb: 'BYE' });
      const next = client.request({ verb: 'SENT' });
      const [bye, sent] = (await events.take(2)) as Received[];
      expect([bye!.msg.verb, sent!.msg.verb]).toEqual(['BYE', 'SENT']);
      expect(sent!.peer).not.toBe(bye!.peer);
      await router.reply(sent!.peer, { verb: 'DONE' });
      await expect(next).resolves.toEqual({ verb: 'DONE' });
    } finally {
      await client.close();
      await router.close();
      await cleanup();
    }
  });
});

describe('REQ client', () => {
  test('behaviour 9: an invalid request throws before anything is sent', async () => {
    const { events, router, client } = await setup('tcp://127.0.0.1:*');
    try {
      expect(() => client.request({ verb: 'IDLE', data: [new Date(), 1, 1, 1, 1, 1, 1, 'high', 40] } as never)).toThrow(
        /^invalid data for IDLE/,
      );
      expect(() => client.request({ verb: 'ACK', data: [1, 'x'] } as never)).toThrow('unknown message: ACK');
      const ok = client.request({ verb: 'SENT' });
      const [first] = (await events.take(1)) as Received[];
      expect(first!.msg.verb).toBe('SENT');
      await router.reply(first!.peer, { verb: 'DONE' });
      await ok;
    } finally {
      await client.close();
      await router.close();
    }
  });

  test('a reply that breaks the protocol rejects with its ProtocolError; the socket goes on', async () => {
    const master = new zmq.Router({ linger: 0 });
    await master.bind('tcp://127.0.0.1:*');
    const client = createRequestClient({ protocol: slaveClientProtocol, address: master.lastEndpoint! });
    try {
      const bad = client.request({ verb: 'SENT' });
      const [id] = await master.receive();
      await master.send([id!, '', encodeCbor(['FROB', 1])]);
      await expect(bad).rejects.toMatchObject({ name: 'ProtocolError', message: 'unknown message: FROB' });
      const garbled = client.request({ verb: 'SENT' });
      await master.receive();
      await master.send([id!, '', Buffer.from([0xff])]);
      await expect(garbled).rejects.toMatchObject({ code: 'PIW_ERR_DESERIALIZE' });
      const good = client.request({ verb: 'SENT' });
      const [sameId] = await master.receive();
      expect(sameId).toEqual(id);
      await master.send([id!, '', encodeCbor('DONE')]);
      await expect(good).resolves.toEqual({ verb: 'DONE' });
    } finally {
      await client.close();
      master.close();
    }
  });

  test('closing fails a request still waiting with PIW_ERR_ZMQ_CLOSED', async () => {
    const { router, client, events } = await setup('tcp://127.0.0.1:*');
    const waiting = client.request({ verb: 'SENT' });
    await events.take(1);
    await client.close();
    await expect(waiting).rejects.toMatchObject({ code: 'PIW_ERR_ZMQ_CLOSED' });
    await expect(client.request({ verb: 'SENT' })).rejects.toMatchObject({ code: 'PIW_ERR_ZMQ_CLOSED' });
    await router.close();
  });
});
