/**
 * The slave client: the build slave's side of the slave protocol (protocols/README.md §4.1, §7; behaviours
 * 181–195). piw-slave owns the REQ connection, forwards each decoded reply as an event, and supplies the
 * side effects by name (see `types.ts` for the whole interface).
 *
 *   input    SlaveClientInput   { hello }
 *   events   ACK SLEEP BUILD CONT SEND DONE DIE  { type: verb, data }  — replies from the master
 *            BAD_REPLY { error }                                       — a reply that failed to decode
 *            STOP                                                      — SIGTERM
 *   actions  send(MasterRequest)  reconnect()  log(LogEntry)
 *   actors   collectStats  build  transfer  cleanup
 *   delays   masterTimeout (HELLO's 2nd field)  sleepPause, contWait (random 5–10 s, injected)
 *   output   SlaveClientOutcome  { reason: 'dismissed' | 'stopped' | 'protocol-error' | 'stuck' | 'failed' }
 *
 *   greeting (HELLO) ─ACK─► reportingIdle ─► awaitingIdleReply ─SLEEP─► sleeping ─► reportingIdle
 *                                                              ─BUILD─► job
 *   job (the build runs meanwhile): reportingBusy ─► awaitingBusyReply ─CONT─► waitingForBuild
 *        waitingForBuild ─finished─► awaitingBuiltReply (BUILT) ; ─contWait─► reportingBusy (BUSY)
 *        awaitingBuiltReply / awaitingSentReply ─SEND─► transferring ─► awaitingSentReply (SENT)
 *   DONE while in job ─► cleaningUp ─► reportingIdle
 *   no reply for masterTimeout ─► resetting (cleanup, reconnect) ─► greeting, as a new slave
 *   a transfer failed because the master fell silent ─► resetting, at once
 *   DIE, STOP, or any unexpected reply ─► leaving (cleanup) ─► gone (BYE), with the outcome as output
 *
 * The slave is brittle on purpose (behaviour 192): a reply out of order ends the conversation with a
 * typed outcome rather than a throw, and piw-slave exits for systemd to restart it. A transfer that fails
 * still answers SENT: the master's VERIFY then fails and it decides whether to ask again. Unless it failed
 * because the master said nothing at all (MASTER_SILENT): then the master is presumed gone — restarted,
 * its new File Juggler ignoring a transfer it never expected, its new Slave Driver ignoring a SENT from a
 * peer that never said HELLO (behaviour 39) — and the slave starts over from HELLO at once rather than
 * wait a whole master timeout for an answer to SENT that will not come. Nothing changes on the wire.
 */
import { assign, setup } from 'xstate';
import { TimeDelta } from '../../protocols/index.js';
import { actionNotProvided, actorNotProvided, NotProvidedError } from '../common/not-provided.js';
import { timerMs } from '../common/timer.js';
import type {
  BuildInput,
  BuiltData,
  CleanupInput,
  LogEntry,
  MasterRequest,
  SlaveClientContext,
  SlaveClientEvent,
  SlaveClientInput,
  SlaveClientOutcome,
  SlaveStatsWire,
  TransferInput,
} from './types.js';
import { MASTER_SILENT } from './types.js';

const NAME = 'slaveClient';
const ACTIVE = '#slaveClient.active';
const LEAVING = '#slaveClient.leaving';
const GONE = '#slaveClient.gone';

type Ctx = SlaveClientContext;
type Args = { context: Ctx; event: { type: string } };

const logLine = (level: LogEntry['level'], message: (args: Args) => string) =>
  ({ type: 'log', params: (args: Args) => ({ level, message: message(args) }) }) as const;
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A slave message with the stats an invoked collectStats just produced. */
const sendWithStats = (verb: 'IDLE' | 'BUSY') =>
  ({ type: 'send', params: ({ event }: { event: { output?: unknown } }) => ({ verb, data: event.output as SlaveStatsWire }) }) as const;

/** Waiting for a reply: after masterTimeout the master is presumed gone (behaviour 191). */
const masterTimeout = {
  masterTimeout: {
    target: `${ACTIVE}.resetting` as const,
    actions: logLine('warning', () => 'Timed out waiting for master'),
  },
};

export const slaveClientSetup = setup({
  types: {} as {
    input: SlaveClientInput;
    context: SlaveClientContext;
    events: SlaveClientEvent;
    output: SlaveClientOutcome;
  },
  actions: {
    // Provided by piw-slave.
    send: actionNotProvided(NAME, 'send') as (_: unknown, params: MasterRequest) => void,
    reconnect: actionNotProvided(NAME, 'reconnect') as () => void,
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,

    /** The conversation ends for this reason (the first reason wins). */
    endWith: assign(({ context }, outcome: SlaveClientOutcome) => ({ outcome: context.outcome ?? outcome })),
    /** Forget the master and the build: what a fresh start needs. */
    forget: assign({ slaveId: null, indexUrl: null, job: null, result: null, filename: null }),
    forgetJob: assign({ job: null, result: null, filename: null }),
    noteFile: assign(({ event }) => (event.type === 'SEND' ? { filename: event.data } : {})),
  },
  actors: {
    collectStats: actorNotProvided<SlaveStatsWire, void>(NAME, 'collectStats'),
    build: actorNotProvided<BuiltData, BuildInput>(NAME, 'build'),
    transfer: actorNotProvided<void, TransferInput>(NAME, 'transfer'),
    cleanup: actorNotProvided<void, CleanupInput>(NAME, 'cleanup'),
  },
  guards: {
    finished: ({ context }) => context.result !== null,
    /** The transfer failed because the master said nothing for its silence limit. */
    masterSilent: ({ event }) => (event as { error?: { code?: unknown } }).error?.code === MASTER_SILENT,
    ending: ({ context }) => context.outcome !== null,
    /** SEND names a wheel of this (successful) build. */
    ownFile: ({ context, event }) =>
      event.type === 'SEND' && context.result !== null && context.result[0] && context.result[3].some((file) => file[0] === event.data),
  },
  delays: {
    masterTimeout: ({ context }) => timerMs(context.masterTimeoutMs),
    sleepPause: () => {
      throw new NotProvidedError(NAME, 'sleepPause');
    },
    contWait: () => {
      throw new NotProvidedError(NAME, 'contWait');
    },
  },
});

/** A reply a state does not expect, e.g. `unexpected BUILD reply`: fatal (behaviours 183, 190, 192). */
const protocolError = (what: (args: Args) => string) => ({
  target: LEAVING,
  actions: [
    { type: 'endWith' as const, params: (args: Args) => ({ reason: 'protocol-error' as const, message: what(args) }) },
    logLine('error', (args) => `Protocol error: ${what(args)}`),
  ],
});
const unexpected = (verb: string) =>
  protocolError(({ context }) => `unexpected ${verb} reply${context.slaveId === null ? ' before ACK' : ''}`);

/** SEND for one of this build's files: transfer it; for anything else: fatal. */
const send = [
  { guard: 'ownFile' as const, target: 'transferring' as const, actions: 'noteFile' as const },
  protocolError(({ event }) => `SEND for ${JSON.stringify((event as { data?: unknown }).data)}, not a file of this build`),
];

/** The job's build stops when the job state is left; clean up its files and carry on. */
const done = { target: `${ACTIVE}.cleaningUp` as const };

export const slaveClientMachine = slaveClientSetup.createMachine({
  id: NAME,
  description:
    "The build slave's side of the slave protocol, run by piw-slave. It owns the conversation from HELLO to BYE: reporting idle, sleeping when told, running a build while reporting BUSY, sending each wheel the master asks for, and cleaning up after DONE. No reply within the master timeout resets the connection and starts over as a new slave; DIE, SIGTERM or a reply out of order ends it with a typed outcome, and piw-slave exits for systemd to restart it.",
  context: ({ input }) => ({
    hello: input.hello,
    masterTimeoutMs: input.hello[1].totalMilliseconds,
    slaveId: null,
    indexUrl: null,
    job: null,
    result: null,
    filename: null,
    outcome: null,
  }),
  output: ({ context }) => context.outcome!,
  initial: 'active',
  states: {
    active: {
      on: {
        ACK: unexpected('ACK'),
        SLEEP: unexpected('SLEEP'),
        BUILD: unexpected('BUILD'),
        CONT: unexpected('CONT'),
        SEND: unexpected('SEND'),
        DONE: unexpected('DONE'),
        BAD_REPLY: {
          target: LEAVING,
          actions: [
            { type: 'endWith', params: ({ event }) => ({ reason: 'protocol-error', message: `invalid reply: ${errorText(event.error)}` }) },
            logLine('error', ({ event }) => `Protocol error: invalid reply: ${errorText((event as { error?: unknown }).error)}`),
          ],
        },
        DIE: {
          target: LEAVING,
          actions: [{ type: 'endWith', params: { reason: 'dismissed' } }, logLine('warning', () => 'Master requested termination')],
        },
        STOP: {
          target: LEAVING,
          actions: [{ type: 'endWith', params: { reason: 'stopped' } }, logLine('warning', () => 'Shutting down on request')],
        },
      },
      initial: 'greeting',
      states: {
        /** HELLO sent on entry (behaviour 182); a fresh connection each time. */
        greeting: {
          entry: { type: 'send', params: ({ context }) => ({ verb: 'HELLO', data: context.hello }) },
          after: masterTimeout,
          on: {
            ACK: {
              target: 'reportingIdle',
              actions: [
                assign({ slaveId: ({ event }) => event.data[0], indexUrl: ({ event }) => event.data[1] }),
                logLine('warning', ({ context }) => `Connected to master as slave ${context.slaveId}`),
              ],
            },
          },
        },

        reportingIdle: {
          invoke: {
            id: 'collectStats',
            src: 'collectStats',
            onDone: { target: 'awaitingIdleReply', actions: sendWithStats('IDLE') },
            onError: {
              target: LEAVING,
              actions: {
                type: 'endWith',
                params: ({ event }) => ({ reason: 'failed', message: `cannot read statistics: ${errorText(event.error)}` }),
              },
            },
          },
        },

        awaitingIdleReply: {
          after: masterTimeout,
          on: {
            SLEEP: 'sleeping',
            BUILD: {
              target: 'job',
              actions: [
                assign({ job: ({ event }) => ({ package: event.data[0], version: event.data[1] }) }),
                logLine('warning', ({ context }) => `Building package ${context.job!.package} version ${context.job!.version}`),
              ],
            },
          },
        },

        /** Behaviour 184: a random 5–10 s before asking again. */
        sleeping: {
          after: { sleepPause: 'reportingIdle' },
        },

        /** Behaviours 185–187: the build runs for as long as this state is active. */
        job: {
          invoke: {
            id: 'build',
            src: 'build',
            input: ({ context }) => ({
              package: context.job!.package,
              version: context.job!.version,
              indexUrl: context.indexUrl!,
              buildTimeout: context.hello[0],
            }),
            onDone: {
              actions: [
                assign({ result: ({ event }) => event.output }),
                logLine('warning', ({ context }) => `Build ${context.result![0] ? 'succeeded' : 'failed'}`),
              ],
            },
            // The build itself broke (not pip): report a failed build whose output says why (behaviour 195).
            onError: {
              actions: [
                assign({ result: ({ event }): BuiltData => [false, new TimeDelta(), `build failed: ${errorText(event.error)}`, []] }),
                logLine('error', ({ context }) => context.result![2]),
              ],
            },
          },
          initial: 'reportingBusy',
          states: {
            reportingBusy: {
              invoke: {
                id: 'collectStats',
                src: 'collectStats',
                onDone: { target: 'awaitingBusyReply', actions: sendWithStats('BUSY') },
                onError: {
                  target: LEAVING,
                  actions: {
                    type: 'endWith',
                    params: ({ event }) => ({ reason: 'failed', message: `cannot read statistics: ${errorText(event.error)}` }),
                  },
                },
              },
            },
            awaitingBusyReply: {
              after: masterTimeout,
              on: { CONT: 'waitingForBuild', DONE: done },
            },
            /** Behaviour 186: BUILT as soon as the build is finished, else BUSY after a random 5–10 s. */
            waitingForBuild: {
              always: {
                guard: 'finished',
                target: 'awaitingBuiltReply',
                actions: { type: 'send', params: ({ context }) => ({ verb: 'BUILT', data: context.result! }) },
              },
              after: { contWait: 'reportingBusy' },
            },
            awaitingBuiltReply: {
              after: masterTimeout,
              on: { SEND: send, DONE: done },
            },
            transferring: {
              entry: logLine('info', ({ context }) => `Sending ${context.filename} to master`),
              invoke: {
                id: 'transfer',
                src: 'transfer',
                input: ({ context }) => ({
                  slaveId: context.slaveId!,
                  filename: context.filename!,
                  package: context.job!.package,
                  version: context.job!.version,
                }),
                onDone: { target: 'awaitingSentReply', actions: { type: 'send', params: { verb: 'SENT' } } },
                onError: [
                  {
                    guard: 'masterSilent',
                    target: `${ACTIVE}.resetting`,
                    actions: logLine('warning', ({ context, event }) =>
                      `Transfer of ${context.filename} failed: ${errorText((event as { error?: unknown }).error)}; the master has gone, starting over`),
                  },
                  {
                    target: 'awaitingSentReply',
                    actions: [
                      logLine('error', ({ context, event }) =>
                        `Transfer of ${context.filename} failed: ${errorText((event as { error?: unknown }).error)}`),
                      { type: 'send', params: { verb: 'SENT' } },
                    ],
                  },
                ],
              },
            },
            awaitingSentReply: {
              after: masterTimeout,
              on: { SEND: send, DONE: done },
            },
          },
        },

        /** Behaviour 188: DONE stops the build (leaving `job` did) and removes its files. */
        cleaningUp: {
          on: { STOP: { actions: { type: 'endWith', params: { reason: 'stopped' } } } },
          invoke: {
            id: 'cleanup',
            src: 'cleanup',
            input: ({ context }) => ({ job: context.job }),
            onDone: [
              { guard: 'ending', target: GONE },
              { target: 'reportingIdle', actions: 'forgetJob' },
            ],
            onError: {
              target: GONE,
              actions: {
                type: 'endWith',
                params: ({ event }) => ({ reason: 'stuck', message: `build would not stop: ${errorText(event.error)}` }),
              },
            },
          },
        },

        /**
         * Behaviour 191: kill any build, reconnect, start over with HELLO as a new slave. Also after a
         * transfer the master never answered: the build's wheels go with it, as the new master will hand
         * this new slave whatever its queue says.
         */
        resetting: {
          on: { STOP: { actions: { type: 'endWith', params: { reason: 'stopped' } } } },
          invoke: {
            id: 'cleanup',
            src: 'cleanup',
            input: ({ context }) => ({ job: context.job }),
            onDone: [
              { guard: 'ending', target: GONE },
              { target: 'greeting', actions: ['forget', 'reconnect'] },
            ],
            onError: {
              target: GONE,
              actions: {
                type: 'endWith',
                params: ({ event }) => ({ reason: 'stuck', message: `build would not stop: ${errorText(event.error)}` }),
              },
            },
          },
        },

      },
    },

    /** Behaviour 190: clean up before saying BYE, whatever the reason for leaving. */
    leaving: {
      invoke: {
        id: 'cleanup',
        src: 'cleanup',
        input: ({ context }) => ({ job: context.job }),
        onDone: 'gone',
        onError: {
          target: 'gone',
          actions: logLine('error', ({ event }) => `Build would not stop: ${errorText((event as { error?: unknown }).error)}`),
        },
      },
    },

    /** BYE, always the last word (behaviour 190). */
    gone: {
      type: 'final',
      entry: { type: 'send', params: { verb: 'BYE' } },
    },
  },
});
