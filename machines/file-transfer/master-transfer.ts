/**
 * The master's end of one file transfer (protocols/README.md §6, behaviours 72–84): the File Juggler creates one
 * of these per EXPECT and feeds it the frames that arrive from that client's identity.
 *
 *   waiting ──HELLO──▶ transferring ──last CHUNK──▶ complete.verifying ──▶ verified ↺ HELLO / DONE
 *      │                    ↺ CHUNK / HELLO / INVALID      (DONE sent)  └──▶ failed
 *      └── silence ──▶ failed ◀── silence / write failure ──┘
 *
 * Input (`MasterTransferInput`): the slave id of the EXPECT, the file state it carried, and optionally the
 * chunk size (default `chunkSizeFor(filesize)`: 65536, or 256 KiB from 16 MiB up) and pipeline size (default
 * `pipelineSizeFor(chunkSize)`: 0.18's 10 for its chunks, else as many as 1.5 MiB holds: 6 of 256 KiB).
 *
 * Events (`MasterTransferEvent`; `clientFrameEvent` turns a parsed `ClientFrame` into one):
 *   HELLO { slaveId }              the client starts, or restarts after 5 s without a FETCH
 *   CHUNK { offset, data }         bytes of the file at that offset
 *   INVALID { error }              a frame from this client that failed to parse (behaviour 80)
 *   WRITE_FAILED { error }         the owner could not write a chunk to the temp file
 *
 * Actions the owner provides (params as the second argument):
 *   sendFrames: MasterFrame[]      send these FETCH / DONE messages to the client, in order
 *                                  (`formatMasterFrames` for each)
 *   writeChunk: { offset, data }   write these bytes at this offset of the temp file; `data` is already
 *                                  clipped to the file (a view, never a copy) and may be empty
 *   log: { level, message }
 *
 * Actors the owner provides:
 *   verify: input `VerifyInput`, output `{ size, sha256 }`: size and SHA-256 (lowercase hex) of the temp
 *           file once every pending write has landed; rejects on an I/O error.
 *
 * Delays: `silenceTimeout` (default 5 minutes). The transfer fails at the first tick of this period that
 * finds no frame heard since the previous tick, so after between one and two periods of silence. A
 * periodic check instead of a timer restarted by every frame keeps each CHUNK a plain self-transition.
 *
 * Outcome (`MasterTransferOutput`): `{ status: 'verified' }` or `{ status: 'failed', error: TransferError }`,
 * emitted as `transfer.ended` when the machine reaches `verified` or `failed` (`transferOutcome(snapshot)`
 * reads it later). Neither state is final: the transfer waits there until its owner stops it (after the
 * VERIFY that claims it, or when nobody does), and a client that missed DONE and says HELLO again is told
 * DONE again by `verified` (beyond 0.18, which forgot the transfer).
 *
 * An empty CHUNK for an offset inside the file means the client's file is shorter than expected (0.18
 * would FETCH it for ever): the transfer fails with a size error at once, after telling the client DONE so
 * it reports SENT and the VERIFY that follows says what went wrong.
 *
 * Credit: `max(1, min(pipeline, filesize // chunk))` FETCHes may be outstanding. After each frame the
 * machine spends its credit on FETCHes for the next missing ranges from a moving offset, wrapping back to
 * the first missing range, so lost chunks are asked for again; each CHUNK returns one credit. A HELLO or an
 * invalid frame mid-transfer restores the initial credit and restarts the walk from the first missing
 * byte. Per chunk the work is O(1) for in-order traffic (see `ReceivedRanges`).
 */
import { and, assign, emit, setup, type SnapshotFrom } from 'xstate';
import { chunkSizeFor, pipelineSizeFor } from '../../protocols/file-transfer.js';
import type { ChunkBytes, ClientFrame, MasterFrame } from '../../protocols/file-transfer.js';
import type { FileStateWire } from '../../protocols/records.js';
import { actionNotProvided, actorNotProvided } from '../common/not-provided.js';
import type { LogEntry } from '../common/log-entry.js';
import { TransferError, transferErrors } from './errors.js';
import { ReceivedRanges } from '../../protocols/file-transfer-ranges.js';

export interface MasterTransferInput {
  slaveId: number;
  file: FileStateWire;
  chunkSize?: number;
  pipelineSize?: number;
}

export type MasterTransferEvent =
  | { type: 'HELLO'; slaveId: number }
  | { type: 'CHUNK'; offset: number; data: ChunkBytes }
  | { type: 'INVALID'; error: Error }
  | { type: 'WRITE_FAILED'; error: unknown };

export interface WriteChunkParams {
  offset: number;
  data: ChunkBytes;
}

export interface VerifyInput {
  slaveId: number;
  filename: string;
  filesize: number;
  filehash: string;
}
export interface VerifyOutput {
  size: number;
  /** SHA-256 of the temp file, lowercase hex. */
  sha256: string;
}

export type MasterTransferOutput = { status: 'verified' } | { status: 'failed'; error: TransferError };

/** Emitted once, on reaching `verified` or `failed`. */
export interface TransferEndedEvent {
  type: 'transfer.ended';
  outcome: MasterTransferOutput;
}

export interface MasterTransferContext {
  slaveId: number;
  filename: string;
  filesize: number;
  filehash: string;
  chunkSize: number;
  /** The credit a transfer starts with and returns to on HELLO or a bad frame. */
  initialCredit: number;
  /** FETCHes that may still be sent. */
  credit: number;
  /** Where the walk for the next FETCH starts. */
  offset: number;
  received: ReceivedRanges;
  /** A frame arrived since the last silence tick. */
  heard: boolean;
  error: TransferError | null;
}

/** The machine event for a parsed client frame. */
export function clientFrameEvent(frame: ClientFrame<ChunkBytes>): MasterTransferEvent {
  return frame.verb === 'HELLO'
    ? { type: 'HELLO', slaveId: frame.slaveId }
    : { type: 'CHUNK', offset: frame.offset, data: frame.data };
}

/** What spending the credit sends, and the credit and walk offset left afterwards. */
export function planFetches(ctx: Pick<MasterTransferContext, 'credit' | 'offset' | 'received' | 'chunkSize'>): {
  frames: MasterFrame[];
  credit: number;
  offset: number;
} {
  const frames: MasterFrame[] = [];
  let { credit, offset } = ctx;
  for (; credit > 0; credit--) {
    const range = ctx.received.nextMissing(offset, ctx.chunkSize);
    if (range === undefined) break;
    frames.push({ verb: 'FETCH', offset: range.start, length: range.stop - range.start });
    offset = range.stop;
  }
  return { frames, credit, offset };
}

type Args = { context: MasterTransferContext };
type ChunkArgs = Args & { event: { offset: number; data: ChunkBytes } };

const describe = (ctx: MasterTransferContext) => `transfer of ${ctx.filename} from slave ${ctx.slaveId}`;

/** The log entry for a frame that failed to parse. */
const badFrame = ({ context, event }: Args & { event: { error: Error } }): LogEntry => ({
  level: 'error',
  message: `${describe(context)}: ${event.error.message}`,
});

/** The part of a chunk that lies inside the file (a view, never a copy). */
const chunkWrite = ({ context, event: { offset, data } }: ChunkArgs): WriteChunkParams => ({
  offset,
  data: data.length <= context.filesize - offset ? data : data.subarray(0, Math.max(0, context.filesize - offset)),
});

/** Send FETCHes while credit remains (the order matters: the frames are planned from the context as it was). */
const fetch = [{ type: 'sendFrames', params: ({ context }: Args) => planFetches(context).frames }, 'spendCredit'] as const;

/** The chunk's bytes marked received and the credit its FETCH spent taken back (none is left once complete). */
function recorded({ context, event }: ChunkArgs): Pick<MasterTransferContext, 'received' | 'credit' | 'heard'> {
  const received = context.received.receive(event.offset, event.data.length);
  return { received, credit: received.complete ? 0 : context.credit + 1, heard: true };
}

/** The context once the chunk is recorded and its credit spent on the next FETCHes, and those FETCHes. */
function recordedAndFetched(args: ChunkArgs): { update: Partial<MasterTransferContext>; frames: MasterFrame[] } {
  const record = recorded(args);
  const { frames, credit, offset } = planFetches({ ...args.context, ...record });
  return { update: { ...record, credit, offset }, frames };
}

/** Write the chunk and record it. */
const acceptChunk = [{ type: 'writeChunk', params: chunkWrite }, 'recordChunk'] as const;

/**
 * Write the chunk, send the FETCHes its credit pays for, and record both in one assign: the hot path, where
 * a second assign would cost a second copy of the snapshot per CHUNK.
 */
const acceptChunkAndFetch = [
  { type: 'writeChunk', params: chunkWrite },
  { type: 'sendFrames', params: (args: ChunkArgs) => recordedAndFetched(args).frames },
  'recordChunkAndSpendCredit',
] as const;

const NAME = 'masterTransfer';

export const masterTransferMachine = setup({
  types: {
    input: {} as MasterTransferInput,
    context: {} as MasterTransferContext,
    events: {} as MasterTransferEvent,
    emitted: {} as TransferEndedEvent,
  },
  actions: {
    sendFrames: actionNotProvided(NAME, 'sendFrames') as (_: unknown, params: MasterFrame[]) => void,
    writeChunk: actionNotProvided(NAME, 'writeChunk') as (_: unknown, params: WriteChunkParams) => void,
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,
    spendCredit: assign(({ context }) => {
      const { credit, offset } = planFetches(context);
      return { credit, offset };
    }),
    /** Mark the chunk's bytes received and take back the credit its FETCH spent (none is left once complete). */
    recordChunk: assign(({ context, event }) => (event.type === 'CHUNK' ? recorded({ context, event }) : {})),
    /** The same, and the credit spent on the FETCHes `sendFrames` was just given. */
    recordChunkAndSpendCredit: assign(({ context, event }) => (event.type === 'CHUNK' ? recordedAndFetched({ context, event }).update : {})),
    /** Back to the initial credit, walking again from the first missing byte. */
    resetCredit: assign(({ context }) => ({ credit: context.initialCredit, offset: 0, heard: true })),
    forgetHeard: assign({ heard: false }),
    fail: assign({ error: (_, error: TransferError) => error }),
    tellEnded: emit(({ context }) => ({ type: 'transfer.ended' as const, outcome: outcomeOf(context) })),
  },
  actors: {
    verify: actorNotProvided<VerifyOutput, VerifyInput>(NAME, 'verify'),
  },
  guards: {
    isExpectedSlave: ({ context, event }) => event.type === 'HELLO' && event.slaveId === context.slaveId,
    nothingMissing: ({ context }) => context.received.complete,
    emptyInsideFile: ({ context, event }) => event.type === 'CHUNK' && event.data.length === 0 && event.offset < context.filesize,
    completesFile: ({ context, event }) =>
      event.type === 'CHUNK' && context.received.receive(event.offset, event.data.length).complete,
    heard: ({ context }) => context.heard,
    wrongSize: ({ context }, output: VerifyOutput) => output.size !== context.filesize,
    wrongHash: ({ context }, output: VerifyOutput) => output.sha256 !== context.filehash,
  },
  delays: {
    silenceTimeout: 300_000,
  },
}).createMachine({
  id: NAME,
  description:
    "The master's end of one file transfer, one per EXPECT, run by the File Juggler and fed the frames from that client. It owns the byte ranges still missing and the FETCH credit (a pipeline of requests, lost chunks asked for again), says DONE once every byte is written, then has the file's size and SHA-256 verified; silence, a short file or a write failure fails the transfer.",
  context: ({ input }) => {
    const [filename, filesize, filehash] = input.file;
    const chunkSize = input.chunkSize ?? chunkSizeFor(filesize);
    const initialCredit = Math.max(1, Math.min(input.pipelineSize ?? pipelineSizeFor(chunkSize), Math.floor(filesize / chunkSize)));
    return {
      slaveId: input.slaveId,
      filename,
      filesize,
      filehash,
      chunkSize,
      initialCredit,
      credit: 0,
      offset: 0,
      received: ReceivedRanges.empty(filesize),
      heard: false,
      error: null,
    };
  },
  on: {
    // a frame from this client that failed to parse: logged, no reply (behaviour 75)
    INVALID: { actions: { type: 'log', params: badFrame } },
    WRITE_FAILED: {
      target: '.failed',
      actions: { type: 'fail', params: ({ context, event }) => transferErrors.io(`${describe(context)}: write failed`, event.error) },
    },
  },
  initial: 'waiting',
  states: {
    /** Expected, but the client has not said HELLO yet. */
    waiting: {
      after: {
        silenceTimeout: {
          target: 'failed',
          actions: { type: 'fail', params: ({ context }) => transferErrors.timeout(`${describe(context)}: no HELLO`) },
        },
      },
      on: {
        HELLO: [
          // a zero-byte file has nothing to fetch
          { guard: and(['isExpectedSlave', 'nothingMissing']), target: 'complete' },
          { guard: 'isExpectedSlave', target: 'transferring', actions: ['resetCredit', ...fetch] },
          {
            actions: {
              type: 'log',
              params: ({ context, event }) => ({
                level: 'error',
                message: `HELLO from slave ${event.slaveId} on the transfer expected from slave ${context.slaveId}`,
              }),
            },
          },
        ],
        // a stale packet of an earlier transfer (behaviour 79)
        CHUNK: {
          actions: {
            type: 'log',
            params: ({ context, event }) => ({ level: 'debug', message: `${describe(context)}: ignored CHUNK ${event.offset} before HELLO` }),
          },
        },
      },
    },
    transferring: {
      after: {
        silenceTimeout: [
          { guard: 'heard', target: 'transferring', reenter: true, actions: 'forgetHeard' },
          {
            target: 'failed',
            actions: { type: 'fail', params: ({ context }) => transferErrors.timeout(`${describe(context)}: client fell silent`) },
          },
        ],
      },
      on: {
        // the hot path: one self-transition per chunk
        CHUNK: [
          // The client has no bytes at an offset inside the file: its file is shorter than the EXPECT said.
          // Asking again would loop for ever; DONE lets it report SENT, and VERIFY then says why it failed.
          {
            guard: 'emptyInsideFile',
            target: 'failed',
            actions: [
              { type: 'sendFrames', params: [{ verb: 'DONE' }] },
              { type: 'fail', params: ({ context, event }) => transferErrors.short(context.filename, context.filesize, event.offset) },
            ],
          },
          { guard: 'completesFile', target: 'complete', actions: acceptChunk },
          { actions: acceptChunkAndFetch },
        ],
        // the client heard nothing for 5 s and starts over (behaviour 78)
        HELLO: {
          actions: [
            { type: 'log', params: ({ context }) => ({ level: 'info', message: `${describe(context)}: restarted by HELLO` }) },
            'resetCredit',
            ...fetch,
          ],
        },
        // logged, credit reset and the missing ranges re-fetched (behaviour 80)
        INVALID: { actions: [{ type: 'log', params: badFrame }, 'resetCredit', ...fetch] },
      },
    },
    /** Every byte has arrived; DONE is sent and the temp file is checked. */
    complete: {
      entry: { type: 'sendFrames', params: [{ verb: 'DONE' }] },
      initial: 'verifying',
      states: {
        verifying: {
          invoke: {
            id: 'verify',
            src: 'verify',
            input: ({ context }) => ({
              slaveId: context.slaveId,
              filename: context.filename,
              filesize: context.filesize,
              filehash: context.filehash,
            }),
            onDone: [
              {
                guard: { type: 'wrongSize', params: ({ event }) => event.output },
                target: `#${NAME}.failed`,
                actions: {
                  type: 'fail',
                  params: ({ context, event }) => transferErrors.size(context.filename, context.filesize, event.output.size),
                },
              },
              {
                guard: { type: 'wrongHash', params: ({ event }) => event.output },
                target: `#${NAME}.failed`,
                actions: { type: 'fail', params: ({ context }) => transferErrors.hash(context.filename) },
              },
              { target: `#${NAME}.verified` },
            ],
            onError: {
              target: `#${NAME}.failed`,
              actions: { type: 'fail', params: ({ context, event }) => transferErrors.io(`${describe(context)}: verify failed`, event.error) },
            },
          },
        },
      },
      on: {
        // the client missed DONE and says HELLO again: tell it once more
        HELLO: { actions: { type: 'sendFrames', params: [{ verb: 'DONE' }] } },
        CHUNK: {
          actions: {
            type: 'log',
            params: ({ context, event }) => ({ level: 'debug', message: `${describe(context)}: ignored CHUNK ${event.offset} after DONE` }),
          },
        },
      },
    },
    /** Every byte in, size and hash right: waits for its owner (VERIFY) to claim it. */
    verified: {
      entry: 'tellEnded',
      on: {
        // the client missed DONE and says HELLO again: tell it once more, so it can report SENT
        HELLO: { actions: { type: 'sendFrames', params: [{ verb: 'DONE' }] } },
        WRITE_FAILED: {},
      },
    },
    /** Failed: waits, answering nothing, for its owner to claim the error (VERIFY) or drop it. */
    failed: { entry: 'tellEnded', on: { WRITE_FAILED: {} } },
  },
});

function outcomeOf(context: MasterTransferContext): MasterTransferOutput {
  return context.error === null ? { status: 'verified' } : { status: 'failed', error: context.error };
}

/** How the transfer ended, once it has (`verified` or `failed`); undefined while it runs. */
export function transferOutcome(snapshot: SnapshotFrom<typeof masterTransferMachine>): MasterTransferOutput | undefined {
  return snapshot.matches('verified') || snapshot.matches('failed') ? outcomeOf(snapshot.context) : undefined;
}
