/**
 * The farm model's statechart: two regions over one context (fold.ts does the folding).
 *
 *   link     what we hear of the master:
 *              waiting.absent  no connection to the status queue (at start, or since the master went away)
 *              waiting.asking  connected, nothing heard yet (the monitor has asked for the replay)
 *              live            heard within the last SILENT_MS
 *              silent          heard before, nothing for SILENT_MS (0.18 Big Brother speaks every 10 s)
 *            Every STATUS is folded, whatever the state; TICK moves the clock and drops ended slaves.
 *   master   what the master is doing, as far as a monitor can tell:
 *              running         the latest evidence says it hands out work (or there is none)
 *              paused          the latest evidence is a SLEEP true (or our own pause)
 *              quitting        this monitor sent QUIT; left when a master starts again
 *
 * Pure: no socket, no clock. Times come with the events (STATUS `at`, TICK `now`, message timestamps).
 */
import { assign, setup } from 'xstate';
import { foldControl, foldStatus, foldTick, initialContext, masterPaused } from './fold.js';
import type { FarmContext, FarmEvent, FarmInput } from './types.js';

/** After this long without a message the master counts as silent (the Sense HAT's ping row turns red). */
export const SILENT_MS = 30_000;

export const farmMachine = setup({
  types: {
    context: {} as FarmContext,
    events: {} as FarmEvent,
    input: {} as FarmInput,
  },
  actions: {
    fold: assign(({ context, event }) => {
      switch (event.type) {
        case 'STATUS':
          return foldStatus(context, event.at, event.messages);
        case 'TICK':
          return foldTick(context, event.now);
        case 'CONTROL':
          return foldControl(context, event.at, event.msg);
        default:
          // LINK_UP, LINK_DOWN: only the clock moves on
          return foldTick(context, event.at);
      }
    }),
  },
  guards: {
    silentTooLong: ({ context, event }) =>
      event.type === 'TICK' && context.master.heardAt !== null && event.now - context.master.heardAt > SILENT_MS,
    paused: ({ context }) => masterPaused(context.master),
    running: ({ context }) => !masterPaused(context.master),
    quitSent: ({ event }) => event.type === 'CONTROL' && event.msg.verb === 'QUIT',
    restarted: ({ context }) => context.master.quitAt === null,
  },
}).createMachine({
  id: 'farm',
  description:
    "What a monitor knows of the farm, for piw-monitor and piw-sense: one model folded from the master's status queue, in two regions. `link` is what is heard of the master (no connection yet, connected but nothing heard, live, or silent for 30 s); `master` is what the master is doing as far as a monitor can tell (running, paused, or quitting after this monitor sent QUIT).",
  type: 'parallel',
  context: ({ input }) => initialContext(input.now),
  states: {
    link: {
      initial: 'waiting',
      on: {
        STATUS: { target: '.live', actions: 'fold' },
        TICK: { actions: 'fold' },
      },
      states: {
        waiting: {
          initial: 'absent',
          states: {
            absent: { on: { LINK_UP: { target: 'asking', actions: 'fold' } } },
            asking: { on: { LINK_DOWN: { target: 'absent', actions: 'fold' } } },
          },
        },
        live: {
          on: {
            TICK: [{ guard: 'silentTooLong', target: 'silent', actions: 'fold' }, { actions: 'fold' }],
            LINK_DOWN: { target: 'waiting', actions: 'fold' },
          },
        },
        silent: {
          on: { LINK_DOWN: { target: 'waiting', actions: 'fold' } },
        },
      },
    },
    master: {
      initial: 'running',
      on: {
        CONTROL: [{ guard: 'quitSent', target: '.quitting', actions: 'fold' }, { actions: 'fold' }],
      },
      states: {
        running: { always: { guard: 'paused', target: 'paused' } },
        paused: { always: { guard: 'running', target: 'running' } },
        // a restart clears quitAt (fold.ts): whoever started it, the new master runs
        quitting: { always: { guard: 'restarted', target: 'running' } },
      },
    },
  },
});

export type FarmMachine = typeof farmMachine;
