/**
 * Test harness for the transfer machines: runs one on a simulated clock with recording actions, so a test
 * sends events and reads back exactly what went out, what was written and what was logged.
 */
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { masterTransferMachine, transferOutcome } from '../../../machines/file-transfer/master-transfer.js';
import type { MasterTransferInput, MasterTransferOutput, VerifyInput, VerifyOutput } from '../../../machines/file-transfer/master-transfer.js';
import { clientTransferMachine } from '../../../machines/file-transfer/client-transfer.js';
import type { ClientTransferInput, SendChunkParams } from '../../../machines/file-transfer/client-transfer.js';
import type { LogEntry } from '../../../machines/common/log-entry.js';
import type { MasterFrame } from '../../../protocols/file-transfer.js';

/** A frame as text, e.g. `FETCH 0 65536` or `DONE`, so expectations read like protocols/README.md. */
export const show = (frame: MasterFrame) => (frame.verb === 'FETCH' ? `FETCH ${frame.offset} ${frame.length}` : 'DONE');

/** Bytes whose value depends on their position, so a misplaced write is visible. */
export function content(size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
  return data;
}

export function runMaster(input: MasterTransferInput, verify: (input: VerifyInput) => Promise<VerifyOutput>) {
  const clock = new SimulatedClock();
  const frames: string[] = [];
  const writes: { offset: number; length: number }[] = [];
  const logs: LogEntry[] = [];
  const verifyCalls: VerifyInput[] = [];
  const file = Buffer.alloc(input.file[1]);
  const machine = masterTransferMachine.provide({
    actions: {
      sendFrames: (_, list) => frames.push(...list.map(show)),
      writeChunk: (_, { offset, data }) => {
        writes.push({ offset, length: data.length });
        // the frames this harness feeds carry Buffers
        if (data.length) file.set(data as Uint8Array, offset);
      },
      log: (_, entry) => logs.push(entry),
    },
    actors: {
      verify: fromPromise<VerifyOutput, VerifyInput>(({ input: v }) => {
        verifyCalls.push(v);
        return verify(v);
      }),
    },
  });
  const actor = createActor(machine, { input, clock });
  /** Every `transfer.ended` the machine emitted. */
  const ended: MasterTransferOutput[] = [];
  actor.on('transfer.ended', ({ outcome }) => ended.push(outcome));
  actor.start();
  /** Take the frames sent since the last call. */
  const sent = () => frames.splice(0);
  /** How the transfer ended (undefined while it runs). */
  const outcome = () => transferOutcome(actor.getSnapshot());
  return { actor, clock, sent, writes, logs, file, verifyCalls, ended, outcome };
}

export function runClient(input: ClientTransferInput) {
  const clock = new SimulatedClock();
  const out: string[] = [];
  const chunks: SendChunkParams[] = [];
  const logs: LogEntry[] = [];
  const machine = clientTransferMachine.provide({
    actions: {
      sendHello: (_, { slaveId }) => out.push(`HELLO ${slaveId}`),
      sendChunk: (_, params) => {
        chunks.push(params);
        out.push(`CHUNK ${Buffer.from(params.offsetFrame).toString('latin1')} ${params.length}`);
      },
      log: (_, entry) => logs.push(entry),
    },
  });
  const actor = createActor(machine, { input, clock });
  actor.start();
  const sent = () => out.splice(0);
  return { actor, clock, sent, chunks, logs };
}

/** Let promise actors settle. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
