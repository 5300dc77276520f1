import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { createFileDealer, createFileRouter, type FileDealerEvent, type FileRouterEvent } from '../../../actors/zmq/transfer-sockets.js';
import type { HeldChunk } from '../../../actors/zmq/file-router-worker.js';
import { Collector, tempDir, transports } from './support.js';

describe.each(transports)('file-transfer ROUTER ⇄ DEALER over %s', (_name, transport) => {
  test('HELLO, FETCH, CHUNK (offset frame echoed as received) and DONE travel as raw frames (protocols/README.md §6)', async () => {
    const { address, cleanup } = await transport();
    const out = await tempDir();
    const fd = openSync(join(out.path, 'chunk'), 'w+');
    // A CHUNK's data stays on the socket's thread, to be written while its event is handled: this one at 3.
    const written: Promise<Error | undefined>[] = [];
    const atMaster = new Collector<FileRouterEvent>();
    const target = {
      send: (event: FileRouterEvent) => {
        if (event.type === 'file.frame' && event.frame.verb === 'CHUNK') {
          const { data } = event.frame;
          written.push(new Promise((resolve) => data.writeTo(fd, 3, resolve)));
        }
        atMaster.send(event);
      },
    };
    const atClient = new Collector<FileDealerEvent>();
    const router = await createFileRouter({ address, target, log: memoryLogger() });
    const dealer = createFileDealer({ address: router.endpoint, target: atClient, log: memoryLogger() });
    try {
      await dealer.hello(7);
      const [hello] = await atMaster.take(1);
      expect(hello).toMatchObject({ type: 'file.frame', frame: { verb: 'HELLO', slaveId: 7 } });
      const peer = hello!.peer;
      await router.send(peer, { verb: 'FETCH', offset: 65536, length: 100 });
      const [fetch] = await atClient.take(1);
      expect(fetch).toMatchObject({ type: 'file.frame', frame: { verb: 'FETCH', offset: 65536, length: 100 } });
      const offsetFrame = (fetch as { offsetFrame: Buffer }).offsetFrame;
      expect(offsetFrame.toString()).toBe('65536');
      const bytes = Buffer.alloc(100, 0xab);
      await dealer.chunk(offsetFrame, bytes);
      const [, chunk] = await atMaster.take(2);
      expect(chunk).toMatchObject({ type: 'file.frame', peer, frame: { verb: 'CHUNK', offset: 65536 } });
      expect((chunk as { frame: { data: { length: number } } }).frame.data.length).toBe(100);
      await expect(written[0]).resolves.toBeUndefined();
      expect(readFileSync(join(out.path, 'chunk')).equals(Buffer.concat([Buffer.alloc(3), bytes]))).toBe(true);
      await router.send(peer, { verb: 'DONE' });
      const [, done] = await atClient.take(2);
      expect(done).toEqual({ type: 'file.frame', frame: { verb: 'DONE' } });
    } finally {
      closeSync(fd);
      await dealer.close();
      await router.close();
      await cleanup();
      await out.remove();
    }
  });

  test('a chunk let go of after its event was handled is no longer there to write', async () => {
    const { address, cleanup } = await transport();
    const out = await tempDir();
    const fd = openSync(join(out.path, 'chunk'), 'w+');
    const atMaster = new Collector<FileRouterEvent>();
    const router = await createFileRouter({ address, target: atMaster, log: memoryLogger() });
    const rogue = new zmq.Dealer({ linger: 0 });
    rogue.connect(router.endpoint);
    try {
      await rogue.send(['CHUNK', '0', 'late']);
      const [chunk] = await atMaster.take(1);
      const { data } = (chunk as { frame: { data: HeldChunk } }).frame;
      const error = await new Promise<Error | undefined>((resolve) => data.writeTo(fd, 0, resolve));
      expect(error).toMatchObject({ code: 'PIW_ERR_ZMQ_THREAD', message: expect.stringMatching(/after its release/) });
      expect(readFileSync(join(out.path, 'chunk'))).toHaveLength(0);
    } finally {
      closeSync(fd);
      rogue.close();
      await router.close();
      await cleanup();
      await out.remove();
    }
  });

  test('bad frames from a client are logged and passed on as invalid; the socket keeps working', async () => {
    const { address, cleanup } = await transport();
    const log = memoryLogger('master.file_juggler');
    const atMaster = new Collector<FileRouterEvent>();
    const router = await createFileRouter({ address, target: atMaster, log });
    const rogue = new zmq.Dealer({ linger: 0 });
    rogue.connect(router.endpoint);
    const dealer = createFileDealer({ address: router.endpoint, target: new Collector<FileDealerEvent>(), log: memoryLogger() });
    try {
      await rogue.send(['HELLO', 'x1']);
      await rogue.send(['CHUNK', '-5', 'data']);
      await rogue.send(['GIMME']);
      const invalid = await atMaster.take(3);
      expect(invalid.map((e) => e.type)).toEqual(['file.invalid', 'file.invalid', 'file.invalid']);
      expect(log.entries.map((e) => e.message.replace(/^file transfer from [0-9a-f]+: /, ''))).toEqual([
        'invalid slave id: "x1"',
        'invalid offset: "-5"',
        'unknown message: "GIMME"',
      ]);
      await dealer.hello(1);
      const [, , , hello] = await atMaster.take(4);
      expect(hello).toMatchObject({ type: 'file.frame', frame: { verb: 'HELLO', slaveId: 1 } });
    } finally {
      rogue.close();
      await dealer.close();
      await router.close();
      await cleanup();
    }
  });

  test('bad frames from the master are logged and passed on as invalid; DONE still ends the transfer', async () => {
    const { address, cleanup } = await transport();
    const master = new zmq.Router({ linger: 0 });
    await master.bind(address);
    const log = memoryLogger('slave');
    const atClient = new Collector<FileDealerEvent>();
    const dealer = createFileDealer({ address: master.lastEndpoint!, target: atClient, log });
    try {
      await dealer.hello(3);
      const [id, verb, slaveId] = await master.receive();
      expect([verb!.toString(), slaveId!.toString()]).toEqual(['HELLO', '3']);
      await master.send([id!, 'FETCH', '0x10', '5']);
      await master.send([id!, 'NOPE']);
      await master.send([id!, 'DONE']);
      const events = await atClient.take(3);
      expect(events.map((e) => (e.type === 'file.frame' ? e.frame.verb : e.type))).toEqual(['file.invalid', 'file.invalid', 'DONE']);
      expect(log.entries).toHaveLength(2);
    } finally {
      await dealer.close();
      master.close();
      await cleanup();
    }
  });
});
