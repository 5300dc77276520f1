/**
 * The client side of one file transfer (protocols/README.md §6), as piw-slave's `transfer` actor and piw-import
 * use it after the master's `SEND <filename>`:
 *
 *   const result = await sendFile({ address: 'tcp://master:5556', slaveId, path, signal, onProgress });
 *
 * It opens a NEW DEALER (HWM 10) to the file queue, runs the client-transfer machine over it (HELLO at
 * once and again after 5 s of silence; each FETCH answered with a CHUNK read from the file with a
 * positional read, echoing the FETCH's offset frame; DONE ends it), then closes the socket and the file.
 * The file is read in 1 MiB blocks ahead of the FETCHes, a larger FETCH on its own (block-reader.ts);
 * CHUNKs leave in the order their FETCHes came, whatever order the reads finish in.
 *
 * Resolves with `SendFileResult` once the master said DONE. Rejects with a typed error: `TransferError`
 * PIW_ERR_TRANSFER_TIMEOUT (the master fell silent for `masterTimeoutMs`) or PIW_ERR_TRANSFER_IO (a read
 * failed); `FileSenderError` PIW_ERR_SEND_FILE (the file cannot be opened) or PIW_ERR_SEND_ABORTED (the
 * signal fired). DONE only means the master has every byte: the caller then says SENT and the master
 * verifies.
 */
import { close, fstat, open } from 'node:fs';
import { promisify } from 'node:util';
import { createActor, toPromise } from 'xstate';
import { ReceivedRanges, clientTransferMachine, masterFrameEvent, type ClientTransferOutput } from '../../machines/file-transfer/index.js';
import { createLogger, logAt, type Logger } from '../runtime/logger.js';
import { createFileDealer } from '../zmq/transfer-sockets.js';
import { BlockReader } from './block-reader.js';
import { fileSenderErrors } from './errors.js';

const openAsync = promisify(open);
const closeAsync = promisify(close);
const fstatAsync = promisify(fstat);

export interface SendFileOptions {
  /** The master's file queue: `tcp://<master>:5556` (piw-import: `tcp://localhost:5556`). */
  address: string;
  /** Announced in HELLO: the slave's id, 0 for piw-import. */
  slaveId: number;
  /** The file to send; its size is taken when it is opened. */
  path: string;
  log?: Logger;
  signal?: AbortSignal;
  /**
   * Called after each CHUNK is handed to the socket with the bytes of the file sent so far (each byte
   * counted once, however often the master asked for it) and the file's size: for a progress bar.
   */
  onProgress?: (sent: number, total: number) => void;
  /** Silence before HELLO is said again (default 5 s, protocols/README.md §6). */
  helloRetryMs?: number;
  /** Silence before the master is given up (default 5 minutes). */
  masterTimeoutMs?: number;
}

export interface SendFileResult {
  /** The file's size. */
  filesize: number;
  /** CHUNKs sent (more than the file's chunk count when the master asked again for lost ones). */
  chunks: number;
}

export async function sendFile(opts: SendFileOptions): Promise<SendFileResult> {
  const { path, signal } = opts;
  if (signal?.aborted) throw fileSenderErrors.aborted(path, signal.reason);
  const log = opts.log ?? createLogger('file_sender');
  let fd: number;
  let filesize: number;
  try {
    fd = await openAsync(path, 'r');
  } catch (err) {
    throw fileSenderErrors.file(path, err);
  }
  try {
    const stats = await fstatAsync(fd);
    filesize = stats.isFile() ? stats.size : -1;
  } catch (err) {
    await closeAsync(fd).catch(() => undefined);
    throw fileSenderErrors.file(path, err);
  }
  if (filesize < 0) {
    await closeAsync(fd).catch(() => undefined);
    throw fileSenderErrors.file(path, 'not a regular file');
  }

  const reader = new BlockReader(fd, filesize);
  let chunks = 0;
  let sent = ReceivedRanges.empty(filesize);
  /** CHUNKs waiting for their bytes, and the last of them: each waits for the one before (FETCH order). */
  let waiting = 0;
  let tail: Promise<void> = Promise.resolve();
  // The actions and the dealer's events run only once the actor exists.
  let actor!: ReturnType<typeof createActor<typeof clientTransferMachine>>;
  const dealer = createFileDealer({
    address: opts.address,
    log,
    target: {
      send: (event) => actor.send(event.type === 'file.frame' ? masterFrameEvent(event.frame, event.offsetFrame) : { type: 'INVALID', error: event.error }),
    },
  });
  const readFailed = (error: unknown) => actor.send({ type: 'READ_FAILED', error });
  const chunkSent = (offset: number, length: number) => () => {
    chunks++;
    if (opts.onProgress !== undefined) {
      sent = sent.receive(offset, length);
      opts.onProgress(filesize - sent.missingBytes, filesize);
    }
  };
  /** Set once the transfer has ended: a read that finishes afterwards is not sent. */
  let ended = false;
  // a send fails (at once or later) only once the socket is closed, when nothing more matters
  const sendChunk = (offset: number, offsetFrame: Uint8Array, bytes: Buffer) => {
    if (ended) return;
    try {
      void dealer.chunk(offsetFrame, bytes).then(chunkSent(offset, bytes.length), () => undefined);
    } catch (err) {
      log.debug(`CHUNK ${offset} not sent: ${String(err)}`);
    }
  };
  const machine = clientTransferMachine.provide({
    actions: {
      sendHello: (_, { slaveId }) => {
        const notSent = (err: unknown) => log.debug(`HELLO not sent: ${String(err)}`);
        try {
          void dealer.hello(slaveId).catch(notSent);
        } catch (err) {
          notSent(err);
        }
      },
      sendChunk: (_, { offset, offsetFrame, length }) => {
        // the common case: the block is in memory and no CHUNK is waiting, so this one goes now
        const now = waiting === 0 ? reader.readNow(offset, length) : undefined;
        if (now !== undefined) return sendChunk(offset, offsetFrame, now);
        waiting++;
        const data = reader.read(offset, length);
        tail = tail.then(
          () =>
            data.then(
              (bytes) => {
                waiting--;
                sendChunk(offset, offsetFrame, bytes);
              },
              (err: unknown) => {
                waiting--;
                readFailed(err);
              },
            ),
        );
      },
      log: (_, { level, message }) => logAt(log, level, message),
    },
    delays: {
      ...(opts.helloRetryMs === undefined ? {} : { helloRetry: opts.helloRetryMs }),
      ...(opts.masterTimeoutMs === undefined ? {} : { masterTimeout: opts.masterTimeoutMs }),
    },
  });
  actor = createActor(machine, { input: { slaveId: opts.slaveId, filesize } });

  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(fileSenderErrors.aborted(path, signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  const outcome = toPromise(actor);
  actor.start();
  try {
    const output: ClientTransferOutput = await Promise.race([outcome, aborted]);
    if (output.status === 'failed') throw output.error;
    return { filesize, chunks };
  } finally {
    signal?.removeEventListener('abort', onAbort!);
    ended = true;
    actor.stop();
    // closing first fails any send still waiting for room; the reads (read-ahead too) finish before the
    // descriptor is closed
    await dealer.close();
    await tail;
    await reader.whenIdle();
    await closeAsync(fd).catch(() => undefined);
  }
}
