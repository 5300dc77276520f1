import type { AnyMachineSnapshot } from 'xstate';
import { masterTransferMachine } from '../../../machines/file-transfer/master-transfer.js';
import type { MasterTransferInput } from '../../../machines/file-transfer/master-transfer.js';
import { clientTransferMachine } from '../../../machines/file-transfer/client-transfer.js';
import { delayedEvents, doneEvent, errorEvent, expectFullCoverage, exploreMachine } from '../support/coverage.js';

const HASH = 'ab'.repeat(32);

function exploreMaster(input: MasterTransferInput) {
  return exploreMachine(masterTransferMachine, {
    input,
    events: (snapshot) => [
      { type: 'HELLO', slaveId: 1 },
      { type: 'HELLO', slaveId: 2 },
      { type: 'CHUNK', offset: 0, data: Buffer.alloc(4) },
      { type: 'CHUNK', offset: 4, data: Buffer.alloc(2) },
      { type: 'CHUNK', offset: 4, data: Buffer.alloc(0) },
      { type: 'INVALID', error: new Error('unknown message') },
      { type: 'WRITE_FAILED', error: new Error('EIO') },
      doneEvent('verify', { size: input.file[1], sha256: HASH }),
      doneEvent('verify', { size: 5, sha256: HASH }),
      doneEvent('verify', { size: input.file[1], sha256: '00'.repeat(32) }),
      errorEvent('verify', new Error('EACCES')),
      ...delayedEvents(snapshot),
    ],
    serializeState: (s: AnyMachineSnapshot) =>
      JSON.stringify([s.value, s.status, s.context.credit, s.context.offset, s.context.heard, s.context.received.missing(), s.context.error?.code]),
  });
}

test('generated paths reach every state and transition of the master transfer machine', () => {
  // a 6-byte file in 4-byte chunks (two chunks: the "more to fetch" and "complete" paths), and a zero-byte
  // file (complete at HELLO): between them every state and every transition is reached
  const six = exploreMaster({ slaveId: 1, file: ['foo-1-py3-none-any.whl', 6, HASH, 'foo', '1', 'py3', 'none', 'any', {}], chunkSize: 4 });
  const empty = exploreMaster({ slaveId: 1, file: ['foo-1-py3-none-any.whl', 0, HASH, 'foo', '1', 'py3', 'none', 'any', {}], chunkSize: 4 });
  expect(six.unreachedStates).toEqual([]);
  expect(six.untakenTransitions).toEqual(['#masterTransfer.waiting --HELLO [and]--> #masterTransfer.complete']);
  expect(empty.untakenTransitions).not.toContain('#masterTransfer.waiting --HELLO [and]--> #masterTransfer.complete');
});

test('generated paths reach every state and transition of the client transfer machine', () => {
  const report = expectFullCoverage(clientTransferMachine, {
    input: { slaveId: 1, filesize: 100 },
    events: (snapshot) => [
      { type: 'FETCH', offset: 0, length: 100 },
      { type: 'DONE' },
      { type: 'INVALID', error: new Error('unknown message') },
      { type: 'READ_FAILED', error: new Error('EIO') },
      ...delayedEvents(snapshot),
    ],
  });
  expect(report.untakenTransitions).toEqual([]);
});
