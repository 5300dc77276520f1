import { createActor } from 'xstate';
import { clientTransferMachine, masterFrameEvent } from '../../../machines/file-transfer/client-transfer.js';
import { NotProvidedError } from '../../../machines/common/not-provided.js';
import type { TransferError } from '../../../machines/file-transfer/errors.js';
import { formatMasterFrames, parseMasterFrames } from '../../../protocols/index.js';
import { runClient } from './harness.js';

describe('client transfer (slave / importer end of protocols/README.md §6)', () => {
  test('sends HELLO at once, answers each FETCH with a CHUNK and stops on DONE', () => {
    const c = runClient({ slaveId: 3, filesize: 123456 });
    expect(c.sent()).toEqual(['HELLO 3']);
    c.actor.send({ type: 'FETCH', offset: 0, length: 65536 });
    c.actor.send({ type: 'FETCH', offset: 65536, length: 57920 });
    expect(c.sent()).toEqual(['CHUNK 0 65536', 'CHUNK 65536 57920']);
    c.actor.send({ type: 'DONE' });
    expect(c.actor.getSnapshot().value).toBe('done');
    expect(c.actor.getSnapshot().output).toEqual({ status: 'done' });
  });

  test('echoes the offset frame as received when the adapter passes it', () => {
    const c = runClient({ slaveId: 0, filesize: 100 });
    const frame = Buffer.from('10');
    c.actor.send({ type: 'FETCH', offset: 10, length: 20, offsetFrame: frame });
    expect(c.chunks).toEqual([{ offset: 10, offsetFrame: frame, length: 20 }]);
    expect(c.chunks[0]!.offsetFrame).toBe(frame);
  });

  test('a FETCH past the end of the file is answered with what exists (possibly nothing)', () => {
    const c = runClient({ slaveId: 1, filesize: 100 });
    c.sent();
    c.actor.send({ type: 'FETCH', offset: 90, length: 65536 });
    c.actor.send({ type: 'FETCH', offset: 500, length: 10 });
    expect(c.sent()).toEqual(['CHUNK 90 10', 'CHUNK 500 0']);
  });

  test('a 5 s tick that heard nothing sends HELLO again, and again, until the master answers', () => {
    const c = runClient({ slaveId: 2, filesize: 100 });
    expect(c.sent()).toEqual(['HELLO 2']);
    c.clock.increment(4_999);
    expect(c.sent()).toEqual([]);
    c.clock.increment(1);
    expect(c.sent()).toEqual(['HELLO 2']);
    c.clock.increment(5_000);
    expect(c.sent()).toEqual(['HELLO 2']);
    c.clock.increment(3_000);
    c.actor.send({ type: 'FETCH', offset: 0, length: 100 });
    c.clock.increment(2_000); // this tick heard the FETCH
    expect(c.sent()).toEqual(['CHUNK 0 100']);
    c.clock.increment(5_000); // this one heard nothing
    expect(c.sent()).toEqual(['HELLO 2']);
  });

  test('a master timeout tick that heard nothing since the previous one fails the transfer', () => {
    const c = runClient({ slaveId: 2, filesize: 100 });
    c.clock.increment(200_000);
    c.actor.send({ type: 'FETCH', offset: 0, length: 50 });
    c.clock.increment(100_000); // first tick: heard the FETCH
    c.clock.increment(299_999);
    expect(c.actor.getSnapshot().status).toBe('active');
    c.clock.increment(1); // second tick: silence
    const output = c.actor.getSnapshot().output as { status: string; error: TransferError };
    expect(output.status).toBe('failed');
    expect(output.error.code).toBe('PIW_ERR_TRANSFER_TIMEOUT');
    expect(output.error.message).toBe('transfer to the master as slave 2: master fell silent: timed out');
  });

  test('a master that never answers is given up after one master timeout', () => {
    const c = runClient({ slaveId: 2, filesize: 100 });
    for (let t = 0; t < 300_000; t += 5_000) c.clock.increment(5_000);
    expect(c.actor.getSnapshot().value).toBe('failed');
    // HELLO at once and at every 5 s tick before the one that gives up (the timeout tick, scheduled first, wins)
    expect(c.sent()).toHaveLength(60);
  });

  test('a bad frame from the master is logged and ignored', () => {
    const c = runClient({ slaveId: 2, filesize: 100 });
    c.sent();
    c.actor.send({ type: 'INVALID', error: new Error('unknown message: "FETCHX"') });
    expect(c.sent()).toEqual([]);
    expect(c.logs).toEqual([{ level: 'warning', message: 'file transfer: ignored a bad frame from the master: unknown message: "FETCHX"' }]);
    expect(c.actor.getSnapshot().value).toEqual({ transferring: 'listening' });
    c.actor.send({ type: 'DONE' });
    expect(c.actor.getSnapshot().output).toEqual({ status: 'done' });
  });

  test('a read failure fails the transfer with an I/O error', () => {
    const c = runClient({ slaveId: 2, filesize: 100 });
    c.actor.send({ type: 'READ_FAILED', error: new Error('EIO') });
    const { error } = c.actor.getSnapshot().output as { error: TransferError };
    expect([error.code, error.message]).toEqual(['PIW_ERR_TRANSFER_IO', 'file transfer: reading the file failed: EIO']);
  });

  test('masterFrameEvent turns parsed frames into machine events', () => {
    expect(masterFrameEvent(parseMasterFrames(formatMasterFrames({ verb: 'FETCH', offset: 65536, length: 57920 })))).toEqual({
      type: 'FETCH',
      offset: 65536,
      length: 57920,
    });
    const offsetFrame = Buffer.from('65536');
    expect(masterFrameEvent({ verb: 'FETCH', offset: 65536, length: 1 }, offsetFrame)).toEqual({
      type: 'FETCH',
      offset: 65536,
      length: 1,
      offsetFrame,
    });
    expect(masterFrameEvent(parseMasterFrames(formatMasterFrames({ verb: 'DONE' })))).toEqual({ type: 'DONE' });
  });

  test('an action the owner did not provide fails loudly with a typed error', () => {
    const actor = createActor(clientTransferMachine, { input: { slaveId: 1, filesize: 10 } });
    const errors: unknown[] = [];
    actor.subscribe({ error: (err) => errors.push(err) });
    actor.start();
    expect(errors[0]).toBeInstanceOf(NotProvidedError);
  });
});
