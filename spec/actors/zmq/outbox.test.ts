import * as zmq from 'zeromq';
import { Outbox } from '../../../actors/zmq/socket.js';

describe('Outbox', () => {
  test('sends made while the socket is mute wait their turn and leave in order, each resolving once sent', async () => {
    const push = new zmq.Push({ sendHighWaterMark: 1, linger: 0 });
    await push.bind('tcp://127.0.0.1:*');
    const pull = new zmq.Pull({ linger: 0 });
    try {
      const outbox = new Outbox(push);
      const settled: number[] = [];
      // No peer yet: the first send waits for one, every later send finds the socket busy.
      const sends = Array.from({ length: 20 }, (_, i) => outbox.send([Buffer.from(String(i))]).then(() => void settled.push(i)));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(settled).toEqual([]);
      pull.connect(push.lastEndpoint!);
      const received: string[] = [];
      for (let i = 0; i < 20; i++) received.push(String((await pull.receive())[0]));
      await Promise.all(sends);
      expect(received).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
      expect(settled).toEqual(Array.from({ length: 20 }, (_, i) => i));
    } finally {
      push.close();
      pull.close();
    }
  });

  test('a send that fails rejects, and the sends queued behind it still go out', async () => {
    const push = new zmq.Push({ sendHighWaterMark: 1, sendTimeout: 50, linger: 0 });
    await push.bind('tcp://127.0.0.1:*');
    const pull = new zmq.Pull({ linger: 0 });
    try {
      const outbox = new Outbox(push);
      // No peer: the first send times out (EAGAIN); the second waits behind it, then times out too.
      const first = outbox.send([Buffer.from('a')]);
      const second = outbox.send([Buffer.from('b')]);
      await expect(first).rejects.toMatchObject({ code: 'EAGAIN' });
      await expect(second).rejects.toMatchObject({ code: 'EAGAIN' });
      pull.connect(push.lastEndpoint!);
      await outbox.send([Buffer.from('c')]);
      expect(String((await pull.receive())[0])).toBe('c');
    } finally {
      push.close();
      pull.close();
    }
  });
});
