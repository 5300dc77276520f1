import { createHash, randomBytes } from 'node:crypto';
import * as zmq from 'zeromq';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { FileReceiver } from '../../../actors/zmq/file-receiver.js';
import { sendFile } from '../../../actors/zmq/file-sender.js';
import type { FileStateWire } from '../../../protocols/records.js';
import { CHUNK_SIZE } from '../../../protocols/file-transfer.js';
import { eventually, tempDir, transports } from './support.js';

const WHEEL = 'foo-1.0-cp311-cp311-linux_x86_64.whl';

function fileState(data: Buffer, hash = createHash('sha256').update(data).digest('hex')): FileStateWire {
  return [WHEEL, data.length, hash, 'foo', '1.0', 'cp311', 'cp311', 'linux_x86_64', {}];
}

async function fixture(
  transportAddress: () => Promise<{ address: string; cleanup(): Promise<void> }>,
  size: number,
  chunkSize?: number,
) {
  const dir = await tempDir();
  const { address, cleanup } = await transportAddress();
  const data = randomBytes(size);
  const source = join(dir.path, 'source.whl');
  await writeFile(source, data);
  const output = join(dir.path, 'simple');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(output);
  const log = memoryLogger('master.file_juggler');
  const receiver = await FileReceiver.create({ address, tempDir: output, log, ...(chunkSize === undefined ? {} : { chunkSize }) });
  return {
    data,
    source,
    output,
    log,
    receiver,
    async done() {
      await receiver.close();
      await cleanup();
      await dir.remove();
    },
  };
}

describe.each(transports)('file transfer end to end over %s', (_name, transport) => {
  test.each([
    ['65536-byte chunks, as 0.18 asks', CHUNK_SIZE],
    ['the default 1 MiB chunks', undefined],
  ])('a few MiB arrive whole in %s: hash verified, renamed into place 0644, no temp file left (protocols.md §6)', async (_label, chunkSize) => {
    const f = await fixture(transport, 3 * 1024 * 1024 + 12345, chunkSize);
    try {
      await f.receiver.expect(5, fileState(f.data));
      const sent = await sendFile({ address: f.receiver.endpoint, slaveId: 5, path: f.source, log: memoryLogger('slave') });
      expect(sent).toEqual({ status: 'done' });
      const destination = join(f.output, 'foo', WHEEL);
      await expect(f.receiver.verify(5, destination)).resolves.toEqual({ ok: true, path: destination });
      expect(Buffer.compare(await readFile(destination), f.data)).toBe(0);
      expect((await stat(destination)).mode & 0o777).toBe(0o644);
      expect(await readdir(f.output)).toEqual(['foo']);
    } finally {
      await f.done();
    }
  });

  test('a file whose hash does not match is refused and removed; nothing lands at the destination', async () => {
    const f = await fixture(transport, 200_000);
    try {
      await f.receiver.expect(2, fileState(f.data, '0'.repeat(64)));
      await expect(sendFile({ address: f.receiver.endpoint, slaveId: 2, path: f.source, log: memoryLogger('slave') })).resolves.toEqual({
        status: 'done',
      });
      const result = await f.receiver.verify(2, join(f.output, 'foo', WHEEL));
      expect(result).toMatchObject({ ok: false, error: { code: 'PIW_ERR_TRANSFER_HASH' } });
      expect(await readdir(f.output)).toEqual([]);
    } finally {
      await f.done();
    }
  });

  test('an empty file and a file smaller than one chunk both transfer', async () => {
    for (const size of [0, 1000]) {
      const f = await fixture(transport, size);
      try {
        await f.receiver.expect(1, fileState(f.data));
        await sendFile({ address: f.receiver.endpoint, slaveId: 1, path: f.source, log: memoryLogger('slave') });
        const destination = join(f.output, 'foo', WHEEL);
        await expect(f.receiver.verify(1, destination)).resolves.toMatchObject({ ok: true });
        expect((await readFile(destination)).length).toBe(size);
      } finally {
        await f.done();
      }
    }
  });
});

describe('file receiver', () => {
  test('chunks answered out of order still land right and verify (the file is read back to hash it)', async () => {
    const f = await fixture(transports[0][1], 200_000, CHUNK_SIZE);
    const client = new zmq.Dealer({ linger: 0 });
    try {
      await f.receiver.expect(6, fileState(f.data));
      client.connect(f.receiver.endpoint);
      await client.send(['HELLO', '6']);
      const fetches: Buffer[][] = [];
      for (let i = 0; i < 3; i++) fetches.push(await client.receive()); // credit: 200000 // 65536 = 3
      for (const [, offset, length] of fetches.reverse()) {
        const at = Number(offset!.toString());
        await client.send(['CHUNK', offset!, f.data.subarray(at, at + Number(length!.toString()))]);
      }
      for (;;) {
        const [verb, offset, length] = await client.receive();
        if (verb!.toString() === 'DONE') break;
        const at = Number(offset!.toString());
        await client.send(['CHUNK', offset!, f.data.subarray(at, at + Number(length!.toString()))]);
      }
      const destination = join(f.output, 'foo', WHEEL);
      await expect(f.receiver.verify(6, destination)).resolves.toMatchObject({ ok: true });
      expect(Buffer.compare(await readFile(destination), f.data)).toBe(0);
    } finally {
      client.close();
      await f.done();
    }
  });

  test('HELLO with no transfer expected is logged and gets no reply; the client gives up after its timeout', async () => {
    const f = await fixture(transports[0][1], 1000);
    try {
      const sent = await sendFile({
        address: f.receiver.endpoint,
        slaveId: 9,
        path: f.source,
        log: memoryLogger('slave'),
        helloRetryMs: 20,
        masterTimeoutMs: 100,
      });
      expect(sent).toMatchObject({ status: 'failed', error: { code: 'PIW_ERR_TRANSFER_TIMEOUT' } });
      await eventually(() => f.log.entries.length > 0);
      expect(f.log.entries[0]!.message).toBe('file transfer: HELLO from slave 9 with no transfer expected');
    } finally {
      await f.done();
    }
  });

  test('VERIFY with no transfer is refused', async () => {
    const f = await fixture(transports[0][1], 10);
    try {
      await expect(f.receiver.verify(4, join(f.output, 'x.whl'))).resolves.toMatchObject({ ok: false });
    } finally {
      await f.done();
    }
  });

  test('a second EXPECT for the same slave replaces the first (its temp file goes)', async () => {
    const f = await fixture(transports[0][1], 70_000);
    try {
      await f.receiver.expect(3, fileState(Buffer.alloc(10)));
      expect(await readdir(f.output)).toHaveLength(1);
      await f.receiver.expect(3, fileState(f.data));
      expect(await readdir(f.output)).toHaveLength(1);
      await sendFile({ address: f.receiver.endpoint, slaveId: 3, path: f.source, log: memoryLogger('slave') });
      await expect(f.receiver.verify(3, join(f.output, 'foo', WHEEL))).resolves.toMatchObject({ ok: true });
    } finally {
      await f.done();
    }
  });
});
