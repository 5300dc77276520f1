/**
 * The file queue's thread (actors/zmq/file-router-worker.ts): it stops receiving while the master has too
 * many of its messages or bytes unhandled, and picks up again as they are handled, losing nothing.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { FileRouterThread } from '../../../actors/zmq/file-router-worker.js';
import { tempDir } from './support.js';

test('with room for one message and one byte at a time, every message still arrives, in order, and its chunk is written', async () => {
  const out = await tempDir();
  const fd = openSync(join(out.path, 'file'), 'w+');
  const seen: string[] = [];
  const writes: Promise<Error | undefined>[] = [];
  let all!: () => void;
  const arrived = new Promise<void>((resolve) => (all = resolve));
  const thread = await FileRouterThread.start({
    address: 'tcp://127.0.0.1:*',
    options: { linger: 0 },
    log: memoryLogger(),
    maxOutstanding: 1,
    maxHeldBytes: 1,
    onMessage: (_peer, frames, chunk) => {
      seen.push(frames.map((f) => f.toString()).join(' '));
      if (chunk !== undefined) writes.push(new Promise((resolve) => chunk.writeTo(fd, Number(frames[1]!.toString()), resolve)));
      if (seen.length === 21) all();
    },
  });
  const dealer = new zmq.Dealer({ linger: 0 });
  dealer.connect(thread.endpoint);
  try {
    await dealer.send(['HELLO', '1']);
    for (let i = 0; i < 20; i++) await dealer.send(['CHUNK', String(i * 10), Buffer.alloc(10, i)]);
    await arrived;
    expect(seen).toEqual(['HELLO 1', ...Array.from({ length: 20 }, (_, i) => `CHUNK ${i * 10}`)]);
    expect(await Promise.all(writes)).toEqual(Array(20).fill(undefined));
    expect(readFileSync(join(out.path, 'file')).equals(Buffer.concat(Array.from({ length: 20 }, (_, i) => Buffer.alloc(10, i))))).toBe(true);
  } finally {
    dealer.close();
    closeSync(fd);
    await thread.close();
    await out.remove();
  }
});

test('frames of any bytes reach the master exactly as sent (they cross the thread boundary as latin1 text)', async () => {
  const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  let got!: (frames: Buffer[]) => void;
  const arrived = new Promise<Buffer[]>((resolve) => (got = resolve));
  const thread = await FileRouterThread.start({
    address: 'tcp://127.0.0.1:*',
    options: { linger: 0 },
    log: memoryLogger(),
    maxOutstanding: 10,
    maxHeldBytes: 1 << 20,
    onMessage: (_peer, frames) => got(frames),
  });
  const dealer = new zmq.Dealer({ linger: 0 });
  dealer.connect(thread.endpoint);
  try {
    await dealer.send([every, Buffer.from('é€', 'utf8'), Buffer.alloc(0)]);
    const frames = await arrived;
    expect(frames.map((f) => f.toString('hex'))).toEqual([every.toString('hex'), Buffer.from('é€', 'utf8').toString('hex'), '']);
  } finally {
    dealer.close();
    await thread.close();
  }
});
