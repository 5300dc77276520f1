/**
 * The tools' side of `mr_chase` (protocols/README.md §4.3, behaviours 198–205): one machine serves piw-import,
 * piw-remove and piw-rebuild. It sends the request at once and follows the master's replies.
 *
 *   (start: IMPORT | REMOVE | REBUILD) ─▶ awaiting ─SEND─▶ transferring ─(SENT)─▶ awaiting
 *                                          ├─DONE──▶ done
 *                                          └─ERROR / anything else──▶ failed
 *
 * Input (`ImportToolInput`): the request, as the importer protocol's `encode` takes it.
 *
 * Events (`ImportToolEvent`; `masterReplyEvent` turns a decoded reply into one): the master's reply, named
 * by its verb (`SEND { data: filename }`, `DONE`, `ERROR { data: text }`), or `INVALID { error }` for a
 * reply that failed to decode or validate.
 *
 * Actions the owner provides (params as the second argument):
 *   send: ImportToolMessage       send this request to the master (the REQ socket)
 *   log: { level, message }
 *
 * Actors the owner provides:
 *   transfer: input `{ filename, file }` (the file state from the IMPORT): send that file over a fresh
 *             file-transfer connection as slave 0 (typically by running `clientTransferMachine`); resolve
 *             once the master said DONE, reject with why not.
 *
 * Output (`ImportToolOutcome`): `{ status: 'done' }`, or `{ status: 'failed', error: ImportToolError }`
 * whose code says whether the master refused (its text as the message), answered out of turn ("Unexpected
 * response from master"), or a transfer failed. The CLIs print the message and exit 1 on failure.
 */
import { assign, setup } from 'xstate';
import type { FileStateWire, Message } from '../../protocols/index.js';
import type { importerProtocol } from '../../protocols/index.js';
import { actionNotProvided, actorNotProvided } from '../common/not-provided.js';
import type { LogEntry } from '../common/log-entry.js';
import { ImportToolError, importToolErrors } from './errors.js';
import type { VerbEvent } from './types.js';

/** What a tool sends. */
export type ImportToolMessage = Message<typeof importerProtocol.send>;
/** The request that starts a conversation. */
export type ImportToolRequest = Extract<ImportToolMessage, { verb: 'IMPORT' | 'REMOVE' | 'REBUILD' | 'ADDPKG' | 'ADDVER' }>;

export interface ImportToolInput {
  request: ImportToolRequest;
}

/** What the master answers. */
export type MasterReply = Message<typeof importerProtocol.recv>;
export type ImportToolEvent = VerbEvent<MasterReply> | { type: 'INVALID'; error: Error };

export interface TransferInput {
  filename: string;
  file: FileStateWire;
}

/** `action`: what DONE said was done (piw-add's NEWPKG, UPDPKG, NEWVER, UPDVER); 0.18's bare DONE says nothing. */
export type ImportToolOutcome = { status: 'done'; action?: string } | { status: 'failed'; error: ImportToolError };

export interface ImportToolContext {
  request: ImportToolRequest;
  /** The file being sent, while one is. */
  sending: TransferInput | null;
  error: ImportToolError | null;
  /** DONE's data, when it had some. */
  action: string | undefined;
}

const NAME = 'importTool';

/** The machine event for a decoded reply from the master. */
export function masterReplyEvent(msg: MasterReply): ImportToolEvent {
  return { type: msg.verb, data: msg.data } as ImportToolEvent;
}

/** The IMPORT's file state with this name, if the request is an IMPORT listing it. */
function importedFile(request: ImportToolRequest, filename: string): FileStateWire | undefined {
  return request.verb === 'IMPORT' ? request.data[7].find((file) => file[0] === filename) : undefined;
}

export const importToolMachine = setup({
  types: {
    input: {} as ImportToolInput,
    context: {} as ImportToolContext,
    events: {} as ImportToolEvent,
    output: {} as ImportToolOutcome,
  },
  actions: {
    send: actionNotProvided(NAME, 'send') as (_: unknown, params: ImportToolMessage) => void,
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,
    fail: assign({ error: (_, error: ImportToolError) => error }),
  },
  actors: {
    transfer: actorNotProvided<void, TransferInput>(NAME, 'transfer'),
  },
  guards: {
    isImport: ({ context }) => context.request.verb === 'IMPORT',
    listsFile: ({ context, event }) => event.type === 'SEND' && importedFile(context.request, event.data) !== undefined,
  },
}).createMachine({
  id: NAME,
  description:
    "The tools' side of Mr Chase's protocol, one machine for piw-import, piw-remove, piw-rebuild and piw-add. It sends the request at once, transfers a file whenever the master says SEND, and ends done on DONE, or failed on ERROR or any reply out of turn, with an outcome the command prints.",
  context: ({ input }) => ({ request: input.request, sending: null, error: null, action: undefined }),
  entry: { type: 'send', params: ({ context }) => context.request },
  initial: 'awaiting',
  states: {
    /** A request is out; the master's reply decides what follows. */
    awaiting: {
      on: {
        SEND: [
          {
            guard: 'listsFile',
            target: 'transferring',
            actions: assign({
              sending: ({ context, event }) => ({ filename: event.data, file: importedFile(context.request, event.data)! }),
            }),
          },
          {
            guard: 'isImport',
            target: 'failed',
            actions: {
              type: 'fail',
              params: ({ event }) => importToolErrors.unexpected(`SEND ${JSON.stringify(event.data)}, which is not a file of this import`),
            },
          },
          {
            target: 'failed',
            actions: {
              type: 'fail',
              params: ({ context, event }) => importToolErrors.unexpected(`SEND ${JSON.stringify(event.data)} in reply to ${context.request.verb}`),
            },
          },
        ],
        DONE: { target: 'done', actions: assign({ action: ({ event }) => event.data }) },
        ERROR: { target: 'failed', actions: { type: 'fail', params: ({ event }) => importToolErrors.refused(event.data) } },
        INVALID: { target: 'failed', actions: { type: 'fail', params: ({ event }) => importToolErrors.unexpected(event.error.message) } },
      },
    },
    transferring: {
      invoke: {
        id: 'transfer',
        src: 'transfer',
        input: ({ context }) => context.sending!,
        onDone: {
          target: 'awaiting',
          actions: [
            { type: 'log', params: ({ context }) => ({ level: 'info', message: `sent ${context.sending!.filename}` }) },
            assign({ sending: null }),
            { type: 'send', params: { verb: 'SENT' } },
          ],
        },
        onError: {
          target: 'failed',
          actions: { type: 'fail', params: ({ context, event }) => importToolErrors.transfer(context.sending!.filename, event.error) },
        },
      },
    },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }): ImportToolOutcome =>
    context.error !== null
      ? { status: 'failed', error: context.error }
      : context.action === undefined
        ? { status: 'done' }
        : { status: 'done', action: context.action },
});
