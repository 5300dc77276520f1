/**
 * The client's end of one file transfer (protocols/README.md §6): piw-slave's sender and piw-import run one per
 * SEND, over a fresh DEALER socket.
 *
 *   (start: HELLO) ─▶ transferring ──DONE──▶ done
 *                      ↺ FETCH → CHUNK; a silent 5 s tick → HELLO again
 *                      └── a silent masterTimeout tick / read failure ──▶ failed
 *
 * Input (`ClientTransferInput`): the slave id to announce (0 for piw-import) and the file's size.
 *
 * Events (`ClientTransferEvent`; `masterFrameEvent` turns a parsed `MasterFrame` into one):
 *   FETCH { offset, length, offsetFrame? }   send these bytes; `offsetFrame` is the raw offset frame when
 *                                            the adapter has it, echoed as received
 *   DONE                                     the master has every byte
 *   INVALID { error }                        a frame from the master that failed to parse: logged, ignored
 *   READ_FAILED { error }                    the owner could not read the file
 *
 * Actions the owner provides (params as the second argument):
 *   sendHello: { slaveId }                          send `helloFrames(slaveId)`
 *   sendChunk: { offset, offsetFrame, length }      read `length` bytes at `offset` and send
 *                                                   `chunkFrames(offsetFrame, bytes)` (length is already
 *                                                   clipped to the file; it may be 0)
 *   log: { level, message }
 *
 * Delays, both periodic checks so that a FETCH stays a plain self-transition:
 *   helloRetry (5 s, protocols/README.md §6): a tick that finds no frame since the previous one sends HELLO again
 *     (so every 5 s while the master says nothing at all; 5–10 s after its last frame otherwise);
 *   masterTimeout (default 5 minutes): a tick that finds no frame since the previous one gives up.
 *
 * Output (`ClientTransferOutput`): `{ status: 'done' }` or `{ status: 'failed', error: TransferError }`.
 */
import { assign, setup } from 'xstate';
import type { MasterFrame } from '../../protocols/file-transfer.js';
import { TransferError, transferErrors } from './errors.js';
import { actionNotProvided } from '../common/not-provided.js';
import type { LogEntry } from '../common/log-entry.js';

export interface ClientTransferInput {
  slaveId: number;
  filesize: number;
}

export type ClientTransferEvent =
  | { type: 'FETCH'; offset: number; length: number; offsetFrame?: Uint8Array }
  | { type: 'DONE' }
  | { type: 'INVALID'; error: Error }
  | { type: 'READ_FAILED'; error: unknown };

export interface SendChunkParams {
  offset: number;
  /** The FETCH's offset frame, to echo in the CHUNK. */
  offsetFrame: Uint8Array;
  length: number;
}

export type ClientTransferOutput = { status: 'done' } | { status: 'failed'; error: TransferError };

export interface ClientTransferContext {
  slaveId: number;
  filesize: number;
  /** A frame arrived since the last HELLO-retry tick / master-timeout tick. */
  heardForRetry: boolean;
  heardForTimeout: boolean;
  error: TransferError | null;
}

/** The machine event for a parsed master frame. */
export function masterFrameEvent(frame: MasterFrame, offsetFrame?: Uint8Array): ClientTransferEvent {
  if (frame.verb === 'DONE') return { type: 'DONE' };
  return offsetFrame === undefined
    ? { type: 'FETCH', offset: frame.offset, length: frame.length }
    : { type: 'FETCH', offset: frame.offset, length: frame.length, offsetFrame };
}

const NAME = 'clientTransfer';

export const clientTransferMachine = setup({
  types: {
    input: {} as ClientTransferInput,
    context: {} as ClientTransferContext,
    events: {} as ClientTransferEvent,
    output: {} as ClientTransferOutput,
  },
  actions: {
    sendHello: actionNotProvided(NAME, 'sendHello') as (_: unknown, params: { slaveId: number }) => void,
    sendChunk: actionNotProvided(NAME, 'sendChunk') as (_: unknown, params: SendChunkParams) => void,
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,
    fail: assign({ error: (_, error: TransferError) => error }),
  },
  guards: {
    heardForRetry: ({ context }) => context.heardForRetry,
    heardForTimeout: ({ context }) => context.heardForTimeout,
  },
  delays: {
    helloRetry: 5_000,
    masterTimeout: 300_000,
  },
}).createMachine({
  id: NAME,
  description:
    "The client's end of one file transfer, one per SEND, run by piw-slave and piw-import over a fresh DEALER socket. It answers each FETCH with the bytes asked for, says HELLO again after 5 s without a frame, and is done when the master says DONE; silence for the master timeout or a read failure fails it.",
  context: ({ input }) => ({
    slaveId: input.slaveId,
    filesize: input.filesize,
    heardForRetry: false,
    heardForTimeout: false,
    error: null,
  }),
  // HELLO at once (protocols/README.md §6)
  entry: { type: 'sendHello', params: ({ context }) => ({ slaveId: context.slaveId }) },
  initial: 'transferring',
  states: {
    transferring: {
      after: {
        masterTimeout: [
          { guard: 'heardForTimeout', target: 'transferring', reenter: true, actions: assign({ heardForTimeout: false }) },
          {
            target: 'failed',
            actions: {
              type: 'fail',
              params: ({ context }) => transferErrors.timeout(`transfer to the master as slave ${context.slaveId}: master fell silent`),
            },
          },
        ],
      },
      initial: 'listening',
      states: {
        listening: {
          after: {
            helloRetry: [
              { guard: 'heardForRetry', target: 'listening', reenter: true, actions: assign({ heardForRetry: false }) },
              // the master dropped a lot of packets: prod it, which resets its credit
              { target: 'listening', reenter: true, actions: { type: 'sendHello', params: ({ context }) => ({ slaveId: context.slaveId }) } },
            ],
          },
        },
      },
      on: {
        // the hot path: one self-transition per FETCH
        FETCH: {
          actions: [
            {
              type: 'sendChunk',
              params: ({ context, event }) => ({
                offset: event.offset,
                offsetFrame: event.offsetFrame ?? Buffer.from(String(event.offset), 'latin1'),
                length: Math.max(0, Math.min(event.length, context.filesize - event.offset)),
              }),
            },
            assign({ heardForRetry: true, heardForTimeout: true }),
          ],
        },
        DONE: 'done',
        INVALID: {
          actions: {
            type: 'log',
            params: ({ event }) => ({ level: 'warning', message: `file transfer: ignored a bad frame from the master: ${event.error.message}` }),
          },
        },
        READ_FAILED: {
          target: 'failed',
          actions: { type: 'fail', params: ({ event }) => transferErrors.io('file transfer: reading the file failed', event.error) },
        },
      },
    },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) =>
    context.error === null ? { status: 'done' as const } : { status: 'failed' as const, error: context.error },
});
