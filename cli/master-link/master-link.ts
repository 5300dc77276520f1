/**
 * One conversation of piw-import, piw-remove or piw-rebuild with the master's import queue, driven by the
 * tools' statechart (machines/import-session/tool.ts) over a REQ socket.
 *
 * Before anything is sent, an ipc:// queue is looked at: a socket or directory that is not the master's
 * user's (a squatter's: actors/ipc/checks.ts) is refused, and no socket file, a file nobody listens on (a
 * master that died) or one this user may not open (the queue is the master's user's only) is reported at
 * once instead of after --timeout. Then each reply must come within `timeoutMs` (undefined: wait for ever,
 * as 0.18's tools did).
 *
 * Resolves when the master said DONE; rejects with a typed error otherwise: the master's ERROR
 * (PIW_ERR_MASTER_REFUSED, its text word for word after "the master refused the <what>:"), silence
 * (PIW_ERR_MASTER_TIMEOUT), an answer out of turn ("Unexpected response from master", behaviour 201),
 * or a failed transfer.
 */
import { connect } from 'node:net';
import { createActor, fromPromise } from 'xstate';
import { logAt, type Logger } from '../../actors/runtime/logger.js';
import { createRequestClient } from '../../actors/zmq/request.js';
import { inspectIpcPeer } from '../../actors/ipc/checks.js';
import { ipcPath } from '../../actors/zmq/socket.js';
import { ZmqError } from '../../actors/zmq/errors.js';
import {
  importToolMachine,
  masterReplyEvent,
  type ImportToolOutcome,
  type ImportToolRequest,
  type TransferInput,
} from '../../machines/import-session/tool.js';
import { importToolErrors } from '../../machines/import-session/errors.js';
import { ProtocolError } from '../../protocols/errors.js';
import { importerProtocol } from '../../protocols/mr-chase.js';
import { toolErrors } from './errors.js';

/** How long a reply may take before the user is told what piw-import is waiting for (and again after each). */
const REPLY_NOTICE_MS = 10_000;

export interface ConversationOptions {
  /** --import-queue */
  address: string;
  /** How long to wait for each reply; undefined waits for ever. */
  timeoutMs: number | undefined;
  request: ImportToolRequest;
  /** What the request is, for messages: "import", "removal", "rebuild". */
  what: string;
  log: Logger;
  /** Words the master's ERROR text for the user (piw-add's refusal codes); default: the text as it is. */
  refusal?: (text: string) => string;
  /** Sends the file the master asked for (piw-import only); resolves once the master has every byte. */
  transfer?: (input: TransferInput, signal: AbortSignal) => Promise<void>;
}

/** Resolves with what DONE said was done (piw-add's action), if it said. */
export async function converse(opts: ConversationOptions): Promise<string | undefined> {
  await checkImportQueue(opts.address);
  const client = createRequestClient({ protocol: importerProtocol, address: opts.address, ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }) });
  const { log } = opts;
  try {
    const outcome = await new Promise<ImportToolOutcome>((resolve, reject) => {
      const actor = createActor(
        importToolMachine.provide({
          actions: {
            send: (_, msg) => {
              log.debug(`>> ${msg.verb}`);
              log.info(`asking the master on its import queue at ${opts.address}: ${msg.verb}`);
              // Say what is awaited rather than wait in silence (a paused or overloaded master).
              const waiting = setInterval(() => log.warn(`waiting for the master's answer to ${msg.verb}`), REPLY_NOTICE_MS);
              client.request(msg).finally(() => clearInterval(waiting)).then(
                (reply) => {
                  log.debug(`<< ${reply.verb}${reply.data === undefined ? '' : ` ${reply.data}`}`);
                  actor.send(masterReplyEvent(reply));
                },
                (err: unknown) => {
                  // A reply that failed to decode or validate is the machine's business; silence is not.
                  if (err instanceof ProtocolError) return actor.send({ type: 'INVALID', error: err });
                  reject(err instanceof ZmqError && err.code === 'PIW_ERR_ZMQ_TIMEOUT' ? toolErrors.timeout(opts.address, opts.timeoutMs! / 1000) : err);
                  actor.stop();
                },
              );
            },
            log: (_, { level, message }) => logAt(log, level, message),
          },
          actors: {
            transfer: fromPromise<void, TransferInput>(({ input, signal }) => {
              if (opts.transfer === undefined) throw importToolErrors.unexpected(`it asked for ${input.filename}, but this request sends no files`);
              return opts.transfer(input, signal);
            }),
          },
        }),
        { input: { request: opts.request } },
      );
      actor.subscribe({
        // stopped after a failure (already rejected) completes without an output
        complete: () => {
          const { output } = actor.getSnapshot();
          if (output !== undefined) resolve(output);
        },
        error: reject,
      });
      actor.start();
    });
    if (outcome.status === 'failed') {
      const { error } = outcome;
      throw error.code === 'PIW_ERR_MASTER_ERROR' ? toolErrors.refused(opts.what, opts.refusal?.(error.message) ?? error.message, error) : error;
    }
    return outcome.action;
  } finally {
    await client.close();
  }
}

/**
 * Fails at once, saying why, when an ipc:// import queue cannot be trusted or talked to. Other transports:
 * nothing to see.
 */
export async function checkImportQueue(address: string): Promise<void> {
  const path = ipcPath(address);
  if (path === undefined) return;
  if (!(await inspectIpcPeer(address)).present) throw toolErrors.unreachable(address, 'no such socket; is piw-master running?');
  await new Promise<void>((resolve, reject) => {
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve();
    });
    probe.once('error', (err: NodeJS.ErrnoException) => {
      probe.destroy();
      if (err.code === 'ECONNREFUSED') reject(toolErrors.unreachable(address, 'nothing is listening (a stale socket); is piw-master running?'));
      else if (err.code === 'EACCES') reject(toolErrors.unreachable(address, `permission denied; the import queue is open to the master's user only`));
      else reject(toolErrors.unreachable(address, err.message));
    });
  });
}
