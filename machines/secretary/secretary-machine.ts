/**
 * The Secretary (web-templates/README.md §4, behaviours 131–136): sits on the web queue in front of the Scribe and
 * buffers project-page rewrites so that a burst of requests for one package becomes one rewrite.
 *
 * Pure: it owns no socket and no clock. The owning actor sends it
 *   LOAD     the `LOADRWP` rows, once at start-up (nothing is flushed before it);
 *   REQUEST  each web-queue message with a correlation id and the time it arrived (REBUILD, piw-rebuild's
 *            rewrite, is due at once and handed out as soon as the Scribe has room);
 *   TICK     the time, about once a second;
 *   REWRITTEN when the Scribe has finished (or failed) a rewrite this machine handed out;
 *   PAUSE / RESUME from the control queue;
 * and carries out what the machine emits:
 *   answer   reply DONE to request `id` now;
 *   forward  pass request `id` to the Scribe, reply DONE once the Scribe has answered;
 *   rewrite  send this PROJECT/BOTH to the Scribe, then send REWRITTEN back.
 * At shutdown the actor saves `pendingRows(snapshot.context)` with `SAVERWP`.
 */
import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import type { Message } from '../../protocols/protocol.js';
import type { theSecretaryProtocol } from '../../protocols/scribe.js';
import { RewriteQueue } from './rewrite-queue.js';
import type { Rewrite, RewriteCommand, RewriteRow } from './rewrite-queue.js';

/** A message of the web queue (`the_scribe` protocol, what the Secretary receives). */
export type WebRequest = Message<(typeof theSecretaryProtocol)['recv']>;

/** How long a rewrite is held back: 60 s, or 3 s in `--dev-mode` (behaviour 35). */
export const BUFFER_DELAY_MS = 60_000;
export const DEV_BUFFER_DELAY_MS = 3_000;

export interface SecretaryInput {
  /** Defaults to BUFFER_DELAY_MS. */
  delayMs?: number;
  /**
   * Rewrites handed to the Scribe at once (the Scribe serialises work per package). Defaults to 32: enough
   * for the Scribe's writer to make a rebuild's pages durable many packages at a time.
   */
  concurrency?: number;
}

export interface SecretaryContext {
  queue: RewriteQueue;
  /** Rewrites handed out and not yet reported back, oldest first. */
  inFlight: readonly Rewrite[];
  /** The time of the last TICK: entries due then stay due when a rewrite completes between ticks. */
  now: number;
  delayMs: number;
  concurrency: number;
}

export type SecretaryEvent =
  | { type: 'LOAD'; rows: readonly RewriteRow[] }
  | { type: 'REQUEST'; id: number; msg: WebRequest; at: number }
  | { type: 'TICK'; now: number }
  | { type: 'REWRITTEN'; package: string }
  | { type: 'PAUSE' }
  | { type: 'RESUME' };

export type SecretaryEmitted =
  | { type: 'answer'; id: number }
  | { type: 'forward'; id: number; msg: Exclude<WebRequest, { verb: 'REBUILD' }> }
  | { type: 'rewrite'; msg: { verb: RewriteCommand; data: string } };

const isBuffered = (msg: WebRequest): msg is Extract<WebRequest, { verb: RewriteCommand }> =>
  msg.verb === 'PROJECT' || msg.verb === 'BOTH';

/** The package a deletion names, for purging its buffered entry. */
const deletedPackage = (msg: WebRequest): string | null =>
  msg.verb === 'DELPKG' ? msg.data : msg.verb === 'DELVER' ? msg.data[0] : null;

/** What to save with `SAVERWP` at shutdown: rewrites in flight (not yet confirmed) first, then the buffer. */
export function pendingRows(context: SecretaryContext): RewriteRow[] {
  const inFlight = context.inFlight.map((r): RewriteRow => [r.package, new Date(r.addedAt), r.command]);
  return [...inFlight, ...context.queue.toRows()];
}

export const secretaryMachine = setup({
  types: {
    context: {} as SecretaryContext,
    events: {} as SecretaryEvent,
    emitted: {} as SecretaryEmitted,
    input: {} as SecretaryInput,
  },
  actions: {
    // behaviour 136: saved rows go first with their own timestamps, then anything that arrived before them
    restore: assign({
      queue: ({ context, event }) => {
        assertEvent(event, 'LOAD');
        const early = context.queue.entries();
        return early.reduce((q, e) => q.add(e.package, e.command, e.addedAt, e.now), RewriteQueue.fromRows(event.rows));
      },
    }),
    // behaviours 131, 132, 133, 135: buffer PROJECT/BOTH and answer now (piw-rebuild's REBUILD: due at
    // once); purge on deletion and pass it on
    handleRequest: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'REQUEST');
      const { id, msg, at } = event;
      if (isBuffered(msg) || msg.verb === 'REBUILD') {
        const [command, pkg] = msg.verb === 'REBUILD' ? msg.data : [msg.verb, msg.data];
        enqueue.assign({ queue: context.queue.add(pkg, command, at, msg.verb === 'REBUILD') });
        enqueue.emit({ type: 'answer', id });
        return;
      }
      const pkg = deletedPackage(msg);
      if (pkg !== null) enqueue.assign({ queue: context.queue.purge(pkg) });
      enqueue.emit({ type: 'forward', id, msg });
    }),
    noteTime: assign({
      now: ({ event }) => {
        assertEvent(event, 'TICK');
        return event.now;
      },
    }),
    settle: assign({
      inFlight: ({ context, event }) => {
        assertEvent(event, 'REWRITTEN');
        const i = context.inFlight.findIndex((r) => r.package === event.package);
        return i < 0 ? context.inFlight : [...context.inFlight.slice(0, i), ...context.inFlight.slice(i + 1)];
      },
    }),
    // behaviour 134: oldest first, as many as the concurrency allows
    dispatchDue: enqueueActions(({ context, enqueue }) => {
      const room = context.concurrency - context.inFlight.length;
      if (room <= 0) return;
      const [due, queue] = context.queue.takeDue(context.now, context.delayMs, room);
      if (due.length === 0) return;
      enqueue.assign({ queue, inFlight: [...context.inFlight, ...due] });
      for (const r of due) enqueue.emit({ type: 'rewrite', msg: { verb: r.command, data: r.package } });
    }),
  },
}).createMachine({
  id: 'secretary',
  description:
    "The Secretary's own logic, in front of the Scribe on the web queue: it buffers project-page rewrites so that a burst of requests for one package becomes one rewrite, while piw-rebuild's REBUILD requests are due at once, ahead of the buffer. It owns the rewrite queue (answering requests from the start, flushing nothing until the buffer saved at the last shutdown is loaded back), how many rewrites the Scribe has in hand, and pausing, which keeps accepting and answering requests but hands nothing on.",
  context: ({ input }) => ({
    queue: RewriteQueue.empty,
    inFlight: [],
    now: 0,
    delayMs: input.delayMs ?? BUFFER_DELAY_MS,
    concurrency: Math.max(1, input.concurrency ?? 32),
  }),
  initial: 'loading',
  on: {
    REQUEST: { actions: 'handleRequest' },
  },
  states: {
    // requests are answered and buffered already; nothing is flushed until the saved buffer is back
    loading: {
      on: { LOAD: { target: 'running', actions: 'restore' } },
    },
    running: {
      initial: 'active',
      states: {
        active: {
          on: {
            // a rewrite piw-rebuild asked for is due at once
            REQUEST: { actions: ['handleRequest', 'dispatchDue'] },
            TICK: { actions: ['noteTime', 'dispatchDue'] },
            REWRITTEN: { actions: ['settle', 'dispatchDue'] },
            PAUSE: 'paused',
          },
        },
        // behaviour 18: input is still accepted and answered; nothing is flushed
        paused: {
          on: {
            TICK: { actions: 'noteTime' },
            REWRITTEN: { actions: 'settle' },
            RESUME: 'active',
          },
        },
      },
    },
  },
});
