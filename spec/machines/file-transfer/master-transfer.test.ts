import { createHash } from 'node:crypto';
import { createActor } from 'xstate';
import { clientFrameEvent, masterTransferMachine } from '../../../machines/file-transfer/master-transfer.js';
import type { MasterTransferInput, VerifyOutput } from '../../../machines/file-transfer/master-transfer.js';
import { NotProvidedError } from '../../../machines/common/not-provided.js';
import { TransferError } from '../../../machines/file-transfer/errors.js';
import { chunkFrames, helloFrames, parseClientFrames, ProtocolError } from '../../../protocols/index.js';
import type { FileStateWire } from '../../../protocols/records.js';
import { content, runMaster, settle } from './harness.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

function fileState(data: Buffer, name = 'foo-0.1-cp34-cp34m-linux_armv7l.whl'): FileStateWire {
  return [name, data.length, sha256(data), 'foo', '0.1', 'cp34', 'cp34m', 'linux_armv7l', {}];
}

/** A master transfer whose verify hashes what was actually written. */
function transfer(data: Buffer, extra: Partial<MasterTransferInput> = {}) {
  const run = runMaster({ slaveId: 1, file: fileState(data), ...extra }, async () => ({
    size: run.file.length,
    sha256: sha256(run.file),
  }));
  return run;
}

const chunk = (data: Buffer, offset: number, length: number) =>
  ({ type: 'CHUNK', offset, data: data.subarray(offset, offset + length) }) as const;

const data123456 = content(123456);

describe('master transfer: the exchange of protocols/README.md §6', () => {
  test('behaviour 76: a 123,456-byte file is FETCH 0 65536, FETCH 65536 57920, DONE, then verified', async () => {
    const t = transfer(data123456);
    expect(t.actor.getSnapshot().value).toBe('waiting');
    expect(t.sent()).toEqual([]);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    expect(t.sent()).toEqual(['FETCH 0 65536']);
    t.actor.send(chunk(data123456, 0, 65536));
    expect(t.sent()).toEqual(['FETCH 65536 57920']);
    t.actor.send(chunk(data123456, 65536, 57920));
    expect(t.sent()).toEqual(['DONE']);
    expect(t.actor.getSnapshot().value).toEqual({ complete: 'verifying' });
    expect(t.actor.getSnapshot().context.credit).toBe(0);
    await settle();
    expect(t.verifyCalls).toEqual([{ slaveId: 1, filename: 'foo-0.1-cp34-cp34m-linux_armv7l.whl', filesize: 123456, filehash: sha256(data123456) }]);
    expect(t.actor.getSnapshot().value).toBe('verified');
    expect(t.outcome()).toEqual({ status: 'verified' });
    expect(t.writes).toEqual([{ offset: 0, length: 65536 }, { offset: 65536, length: 57920 }]);
    expect(t.file.equals(data123456)).toBe(true);
  });

  test('behaviour 77: up to 10 FETCHes are outstanding; credit = min(10, size // 65536), at least 1', () => {
    const credit = (size: number) => {
      const t = transfer(content(size));
      t.actor.send({ type: 'HELLO', slaveId: 1 });
      return t.sent();
    };
    expect(credit(100)).toEqual(['FETCH 0 100']);
    expect(credit(65535)).toEqual(['FETCH 0 65535']);
    expect(credit(3 * 65536 + 5)).toEqual(['FETCH 0 65536', 'FETCH 65536 65536', 'FETCH 131072 65536']);
    const big = credit(20 * 65536);
    expect(big).toHaveLength(10);
    expect(big.at(-1)).toBe('FETCH 589824 65536');
  });

  test('a file of 16 MiB or more is fetched in 256 KiB chunks, 6 in flight; a smaller one in 0.18\'s 64 KiB, 10 in flight', async () => {
    const first = (size: number) => {
      const t = transfer(content(size));
      t.actor.send({ type: 'HELLO', slaveId: 1 });
      return t.sent();
    };
    const small = first((16 << 20) - 1);
    expect(small).toHaveLength(10);
    expect(small.at(-1)).toBe('FETCH 589824 65536');
    const large = first((16 << 20) + 5);
    expect(large).toEqual(Array.from({ length: 6 }, (_, i) => `FETCH ${i * 262144} 262144`));
    // the last chunk is clipped to the file and the transfer completes
    const data = content((16 << 20) + 5);
    const t = transfer(data);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    const queue = t.sent();
    const asked: string[] = [...queue];
    while (queue.length) {
      const [, offset, length] = queue.shift()!.split(' ').map(Number);
      t.actor.send(chunk(data, offset!, length!));
      const more = t.sent().filter((f) => f.startsWith('FETCH'));
      asked.push(...more);
      queue.push(...more);
    }
    expect(asked).toContain('FETCH 16777216 5');
    await settle();
    expect(t.outcome()).toEqual({ status: 'verified' });
  });

  test('each CHUNK returns one credit: a large file keeps 10 FETCHes in flight and finishes', async () => {
    const data = content(25 * 65536 + 1000);
    const t = transfer(data);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    const asked = t.sent();
    expect(asked).toHaveLength(10);
    const queue = [...asked];
    const all: string[] = [...asked];
    while (queue.length) {
      const [, offset, length] = queue.shift()!.split(' ').map(Number);
      t.actor.send(chunk(data, offset!, length!));
      const more = t.sent();
      all.push(...more);
      queue.push(...more.filter((f) => f.startsWith('FETCH')));
    }
    expect(all.at(-1)).toBe('DONE');
    // 26 distinct ranges, then the wrap-around re-asks the ranges still in flight at the tail
    expect(new Set(all.filter((f) => f !== 'DONE')).size).toBe(26);
    await settle();
    expect(t.outcome()).toEqual({ status: 'verified' });
    expect(t.file.equals(data)).toBe(true);
  });

  test('lost chunks are asked for again when the walk wraps to the first missing range', () => {
    const data = content(4 * 65536);
    const t = transfer(data);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    expect(t.sent()).toEqual(['FETCH 0 65536', 'FETCH 65536 65536', 'FETCH 131072 65536', 'FETCH 196608 65536']);
    // the first chunk is lost; each later chunk frees a credit, spent from the moving offset
    t.actor.send(chunk(data, 65536, 65536));
    expect(t.sent()).toEqual(['FETCH 0 65536']); // the walk is at the end: wraps to the first missing range
    t.actor.send(chunk(data, 131072, 65536));
    expect(t.sent()).toEqual(['FETCH 196608 65536']); // onwards from 65536: the next range still missing
    t.actor.send(chunk(data, 196608, 65536));
    expect(t.sent()).toEqual(['FETCH 0 65536']); // wraps again
    t.actor.send(chunk(data, 0, 65536));
    expect(t.sent()).toEqual(['DONE']);
  });

  test('behaviour 78: a repeated HELLO mid-transfer resets credit and re-requests the missing range, no error', () => {
    const t = transfer(data123456);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.actor.send(chunk(data123456, 0, 65536));
    expect(t.sent()).toEqual(['FETCH 0 65536', 'FETCH 65536 57920']);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    expect(t.sent()).toEqual(['FETCH 65536 57920']);
    expect(t.logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(t.logs).toEqual([{ level: 'info', message: 'transfer of foo-0.1-cp34-cp34m-linux_armv7l.whl from slave 1: restarted by HELLO' }]);
    t.actor.send(chunk(data123456, 65536, 57920));
    expect(t.sent()).toEqual(['DONE']);
  });

  test('a reset restarts the walk from the first missing byte with the initial credit', () => {
    const data = content(4 * 65536);
    const t = transfer(data);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.actor.send(chunk(data, 65536, 65536));
    t.sent();
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    expect(t.sent()).toEqual(['FETCH 0 65536', 'FETCH 131072 65536', 'FETCH 196608 65536', 'FETCH 0 65536']);
  });

  test('behaviour 80: a bad frame mid-transfer is logged as an error, credit is reset and the missing range re-fetched', () => {
    const t = transfer(data123456);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.actor.send(chunk(data123456, 0, 65536));
    t.sent();
    let error: unknown;
    try {
      parseClientFrames([Buffer.from('HUNK'), Buffer.from('65536'), data123456.subarray(65536)]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    t.actor.send({ type: 'INVALID', error: error as ProtocolError });
    expect(t.logs).toEqual([
      { level: 'error', message: 'transfer of foo-0.1-cp34-cp34m-linux_armv7l.whl from slave 1: unknown message: "HUNK"' },
    ]);
    expect(t.sent()).toEqual(['FETCH 65536 57920']);
    t.actor.send(chunk(data123456, 65536, 57920));
    expect(t.sent()).toEqual(['DONE']);
  });

  test('duplicate, overlapping and out-of-range chunks are harmless; writes are clipped to the file', async () => {
    const data = content(1000);
    const t = transfer(data, { chunkSize: 400 });
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    expect(t.sent()).toEqual(['FETCH 0 400', 'FETCH 400 400']); // credit 1000 // 400 = 2
    t.actor.send(chunk(data, 0, 400));
    t.actor.send(chunk(data, 0, 400)); // duplicate: the same bytes again
    t.actor.send({ type: 'CHUNK', offset: 5000, data: Buffer.alloc(10) }); // beyond the file: nothing to write
    t.actor.send({ type: 'CHUNK', offset: 900, data: Buffer.concat([data.subarray(900), Buffer.alloc(50, 0xee)]) }); // runs past the end
    expect(t.writes).toEqual([
      { offset: 0, length: 400 },
      { offset: 0, length: 400 },
      { offset: 5000, length: 0 },
      { offset: 900, length: 100 },
    ]);
    t.actor.send(chunk(data, 300, 600)); // overlaps what arrived on both sides
    expect(t.sent().at(-1)).toBe('DONE');
    await settle();
    expect(t.outcome()).toEqual({ status: 'verified' });
    expect(t.file.equals(data)).toBe(true);
  });

  test('a zero-byte file is complete as soon as the client says HELLO', async () => {
    const t = transfer(Buffer.alloc(0));
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    expect(t.sent()).toEqual(['DONE']);
    await settle();
    expect(t.outcome()).toEqual({ status: 'verified' });
  });
});

describe('master transfer: after its end', () => {
  test('a client that missed DONE and says HELLO again is told DONE again, by the verified transfer itself', async () => {
    const t = transfer(data123456);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.actor.send(chunk(data123456, 0, 65536));
    t.actor.send(chunk(data123456, 65536, 57920));
    expect(t.sent()).toEqual(['FETCH 0 65536', 'FETCH 65536 57920', 'DONE']);
    t.actor.send({ type: 'HELLO', slaveId: 1 }); // still verifying
    expect(t.sent()).toEqual(['DONE']);
    await settle();
    expect(t.actor.getSnapshot().value).toBe('verified');
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    expect(t.sent()).toEqual(['DONE', 'DONE']);
    t.actor.send(chunk(data123456, 0, 65536)); // a late duplicate: nothing to write, nothing to say
    expect(t.sent()).toEqual([]);
    expect(t.writes).toHaveLength(2);
    // it waits, alive, for its owner to claim it; its end was told once
    expect(t.actor.getSnapshot().status).toBe('active');
    expect(t.ended).toEqual([{ status: 'verified' }]);
  });

  test('a failed transfer answers a HELLO with nothing, and tells its end once', () => {
    const t = transfer(data123456);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.clock.increment(300_000); // first tick: the HELLO was heard
    t.clock.increment(300_000); // second: silence
    expect(t.actor.getSnapshot().value).toBe('failed');
    t.sent();
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.actor.send({ type: 'WRITE_FAILED', error: new Error('EIO') });
    expect(t.sent()).toEqual([]);
    expect(t.ended).toHaveLength(1);
    expect(t.ended[0]).toMatchObject({ status: 'failed', error: { code: 'PIW_ERR_TRANSFER_TIMEOUT' } });
  });
});

describe('master transfer: before HELLO', () => {
  test('behaviour 79: a stale CHUNK before HELLO is ignored with a debug log', () => {
    const t = transfer(data123456);
    t.actor.send(chunk(data123456, 65536, 57920));
    expect(t.sent()).toEqual([]);
    expect(t.writes).toEqual([]);
    expect(t.logs).toEqual([
      { level: 'debug', message: 'transfer of foo-0.1-cp34-cp34m-linux_armv7l.whl from slave 1: ignored CHUNK 65536 before HELLO' },
    ]);
    expect(t.actor.getSnapshot().value).toBe('waiting');
  });

  test('behaviour 75: a bad frame or a HELLO from another slave is logged as an error and answered with nothing', () => {
    const t = transfer(data123456);
    t.actor.send({ type: 'INVALID', error: new ProtocolError('PIW_ERR_UNKNOWN_MESSAGE', 'unknown message: "ELLO"') });
    t.actor.send({ type: 'HELLO', slaveId: 2 });
    expect(t.sent()).toEqual([]);
    expect(t.logs).toEqual([
      { level: 'error', message: 'transfer of foo-0.1-cp34-cp34m-linux_armv7l.whl from slave 1: unknown message: "ELLO"' },
      { level: 'error', message: 'HELLO from slave 2 on the transfer expected from slave 1' },
    ]);
    expect(t.actor.getSnapshot().value).toBe('waiting');
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    expect(t.sent()).toEqual(['FETCH 0 65536']);
  });

  test('a client that never says HELLO fails the transfer after the silence timeout', () => {
    const t = transfer(data123456);
    t.clock.increment(299_999);
    expect(t.actor.getSnapshot().value).toBe('waiting');
    t.clock.increment(1);
    const output = t.outcome();
    expect(output?.status).toBe('failed');
    const error = (output as { error: TransferError }).error;
    expect(error).toBeInstanceOf(TransferError);
    expect(error.code).toBe('PIW_ERR_TRANSFER_TIMEOUT');
    expect(error.message).toBe('transfer of foo-0.1-cp34-cp34m-linux_armv7l.whl from slave 1: no HELLO: timed out');
  });
});

describe('master transfer: silence and failures', () => {
  test('the transfer fails at the first silence tick that heard no frame since the previous one', () => {
    const t = transfer(data123456);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.clock.increment(300_000); // first tick: the HELLO was heard
    expect(t.actor.getSnapshot().value).toBe('transferring');
    t.clock.increment(150_000);
    t.actor.send(chunk(data123456, 0, 65536));
    t.clock.increment(150_000); // second tick: the chunk was heard
    expect(t.actor.getSnapshot().value).toBe('transferring');
    t.clock.increment(299_999);
    expect(t.actor.getSnapshot().value).toBe('transferring');
    t.clock.increment(1); // third tick: silence since the second
    const output = t.outcome() as { status: string; error: TransferError };
    expect(output.status).toBe('failed');
    expect(output.error.code).toBe('PIW_ERR_TRANSFER_TIMEOUT');
    expect(output.error.message).toBe('transfer of foo-0.1-cp34-cp34m-linux_armv7l.whl from slave 1: client fell silent: timed out');
  });

  test('bad frames and repeated HELLOs count as signs of life', () => {
    const t = transfer(data123456);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.clock.increment(300_000);
    t.actor.send({ type: 'INVALID', error: new Error('unknown message: "X"') });
    t.clock.increment(300_000);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.clock.increment(300_000);
    expect(t.actor.getSnapshot().value).toBe('transferring');
    t.clock.increment(300_000);
    expect(t.actor.getSnapshot().value).toBe('failed');
  });

  test('a failed write fails the transfer with an I/O error', () => {
    const t = transfer(data123456);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.actor.send({ type: 'WRITE_FAILED', error: new Error('ENOSPC: no space left on device') });
    const output = t.outcome() as { status: string; error: TransferError };
    expect(output.error.code).toBe('PIW_ERR_TRANSFER_IO');
    expect(output.error.message).toBe(
      'transfer of foo-0.1-cp34-cp34m-linux_armv7l.whl from slave 1: write failed: ENOSPC: no space left on device',
    );
  });

  test('a write that fails after the last chunk, while verifying, still fails the transfer', () => {
    const t = runMaster({ slaveId: 1, file: fileState(data123456) }, () => new Promise<VerifyOutput>(() => {}));
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.actor.send(chunk(data123456, 0, 65536));
    t.actor.send(chunk(data123456, 65536, 57920));
    t.actor.send({ type: 'WRITE_FAILED', error: 'EIO' });
    expect((t.outcome() as { error: TransferError }).error.message).toMatch(/write failed: EIO$/);
  });

  test.each([
    [{ size: 123455, sha256: sha256(data123456) }, 'PIW_ERR_TRANSFER_SIZE', 'wrong size for transfer of foo-0.1-cp34-cp34m-linux_armv7l.whl: expected 123456 bytes, got 123455'],
    [{ size: 123456, sha256: '0'.repeat(64) }, 'PIW_ERR_TRANSFER_HASH', 'failed to verify transfer of foo-0.1-cp34-cp34m-linux_armv7l.whl: SHA-256 mismatch'],
  ])('behaviour 82: verification finding %j fails with %s', async (found, code, message) => {
    const t = runMaster({ slaveId: 1, file: fileState(data123456) }, async () => found);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.actor.send(chunk(data123456, 0, 65536));
    t.actor.send(chunk(data123456, 65536, 57920));
    await settle();
    expect(t.actor.getSnapshot().value).toBe('failed');
    const { error } = t.outcome() as { error: TransferError };
    expect([error.code, error.message]).toEqual([code, message]);
  });

  test('verification that cannot read the file fails with an I/O error', async () => {
    const t = runMaster({ slaveId: 1, file: fileState(data123456) }, async () => {
      throw new Error('EACCES');
    });
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.actor.send(chunk(data123456, 0, 65536));
    t.actor.send(chunk(data123456, 65536, 57920));
    await settle();
    const { error } = t.outcome() as { error: TransferError };
    expect(error.code).toBe('PIW_ERR_TRANSFER_IO');
    expect(error.message).toBe('transfer of foo-0.1-cp34-cp34m-linux_armv7l.whl from slave 1: verify failed: EACCES');
    expect(error.cause).toEqual(new Error('EACCES'));
  });

  test('a client whose file is shorter than expected (an empty CHUNK inside the file) is told DONE and the transfer fails with a size error, instead of being asked for ever', () => {
    const t = transfer(data123456);
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    expect(t.sent()).toEqual(['FETCH 0 65536']);
    // the client's copy has only 100,000 bytes: the second range comes back short, then empty
    t.actor.send(chunk(data123456, 0, 65536));
    expect(t.sent()).toEqual(['FETCH 65536 57920']);
    t.actor.send(chunk(data123456, 65536, 100000 - 65536));
    expect(t.sent()).toEqual(['FETCH 100000 23456']);
    t.actor.send({ type: 'CHUNK', offset: 100000, data: Buffer.alloc(0) });
    expect(t.sent()).toEqual(['DONE']);
    const { error } = t.outcome() as { error: TransferError };
    expect(error.code).toBe('PIW_ERR_TRANSFER_SIZE');
    expect(error.message).toBe('wrong size for transfer of foo-0.1-cp34-cp34m-linux_armv7l.whl: expected 123456 bytes, but the client has none at offset 100000');
    expect(t.verifyCalls).toEqual([]);
  });

  test('after DONE, a HELLO gets DONE again, a late CHUNK is ignored and a bad frame is logged', () => {
    const t = runMaster({ slaveId: 1, file: fileState(data123456) }, () => new Promise<VerifyOutput>(() => {}));
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.actor.send(chunk(data123456, 0, 65536));
    t.actor.send(chunk(data123456, 65536, 57920));
    t.sent();
    t.actor.send({ type: 'HELLO', slaveId: 1 });
    t.actor.send(chunk(data123456, 0, 65536));
    t.actor.send({ type: 'INVALID', error: new Error('unknown message: "X"') });
    expect(t.sent()).toEqual(['DONE']);
    expect(t.writes).toHaveLength(2); // the late chunk is not written
    expect(t.logs.map((l) => l.level)).toEqual(['debug', 'error']);
    expect(t.actor.getSnapshot().value).toEqual({ complete: 'verifying' });
  });
});

describe('master transfer: wiring', () => {
  test('clientFrameEvent turns parsed frames into machine events', () => {
    expect(clientFrameEvent(parseClientFrames(helloFrames(3)))).toEqual({ type: 'HELLO', slaveId: 3 });
    const data = Buffer.from('abc');
    expect(clientFrameEvent(parseClientFrames(chunkFrames(Buffer.from('65536'), data)))).toEqual({ type: 'CHUNK', offset: 65536, data });
  });

  test('an action the owner did not provide fails loudly with a typed error', () => {
    const actor = createActor(masterTransferMachine, { input: { slaveId: 1, file: fileState(data123456) } });
    const errors: unknown[] = [];
    actor.subscribe({ error: (err) => errors.push(err) });
    actor.start();
    actor.send({ type: 'HELLO', slaveId: 1 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(NotProvidedError);
    expect((errors[0] as Error).message).toBe('masterTransfer: "sendFrames" was not provided; supply it with machine.provide()');
  });
});
