/**
 * The client's end of one file transfer (protocols.md §6) as an actor-level piece, for piw-slave and
 * piw-import: a fresh DEALER, the client-transfer machine driving it, and positional reads of the file for
 * each FETCH. Resolves with the machine's verdict once the master says DONE (or the transfer fails).
 */
import { open } from 'node:fs/promises';
import { createActor, toPromise } from 'xstate';
import { clientTransferMachine, masterFrameEvent, type ClientTransferOutput } from '../../machines/file-transfer/index.js';
import type { Logger } from '../runtime/logger.js';
import { createFileDealer } from './file-transfer.js';
import { logEntry } from './machine-log.js';

export interface SendFileOptions {
  /** The master's file queue (`tcp://<master>:5556`). */
  address: string;
  /** Announced in HELLO; 0 for piw-import. */
  slaveId: number;
  path: string;
  log: Logger;
  /** Silence before HELLO is sent again (default 5 s) and before the transfer is given up (5 min). */
  helloRetryMs?: number;
  masterTimeoutMs?: number;
}

export async function sendFile(opts: SendFileOptions): Promise<ClientTransferOutput> {
  const file = await open(opts.path, 'r');
  try {
    const { size } = await file.stat();
    const delays = {
      ...(opts.helloRetryMs === undefined ? {} : { helloRetry: opts.helloRetryMs }),
      ...(opts.masterTimeoutMs === undefined ? {} : { masterTimeout: opts.masterTimeoutMs }),
    };
    let actor!: ReturnType<typeof createActor<typeof clientTransferMachine>>;
    const dealer = createFileDealer({
      address: opts.address,
      log: opts.log,
      target: {
        send: (event) =>
          actor.send(event.type === 'file.frame' ? masterFrameEvent(event.frame, event.offsetFrame) : { type: 'INVALID', error: event.error }),
      },
    });
    const reads = new Set<Promise<void>>();
    const failed = (what: string) => (err: unknown) => {
      // After DONE the master has every byte: a late chunk that cannot go out any more is no failure.
      if (actor.getSnapshot().status !== 'active') return;
      opts.log.error(`file transfer: ${what} failed`, err);
      actor.send({ type: 'READ_FAILED', error: err });
    };
    const machine = clientTransferMachine.provide({
      actions: {
        sendHello: (_, { slaveId }) => void dealer.hello(slaveId).catch(failed('sending HELLO')),
        sendChunk: (_, { offset, offsetFrame, length }) => {
          const data = Buffer.allocUnsafe(length);
          const read: Promise<void> = file
            .read(data, 0, length, offset)
            .then(({ bytesRead }) => dealer.chunk(offsetFrame, bytesRead === length ? data : data.subarray(0, bytesRead)))
            .catch(failed(`reading ${length} bytes at ${offset}`))
            .finally(() => reads.delete(read));
          reads.add(read);
        },
        log: (_, entry) => logEntry(opts.log, entry),
      },
      delays,
    });
    actor = createActor(machine, { input: { slaveId: opts.slaveId, filesize: size } });
    const outcome = toPromise(actor);
    actor.start();
    try {
      return await outcome;
    } finally {
      await Promise.allSettled(reads);
      await dealer.close();
    }
  } finally {
    await file.close();
  }
}
