/**
 * The slave session: the master's side of one build slave's conversation (protocols/README.md §4.1,
 * behaviours 37–71). The Slave Driver spawns one actor per connected slave from this machine and forwards
 * each decoded message as an event; the machine answers through the `reply` action and does everything
 * else through named actions and actors (see `types.ts` for the whole interface).
 *
 *   input    SlaveSessionInput    { peer, pypiSimpleUrl, masterPaused?, sweepMs?, maxSendAttempts?, maxFileSize? }
 *   events   HELLO BYE IDLE BUSY BUILT SENT  { type: verb, data, at }  — from the slave
 *            KILL SKIP SLEEP WAKE PAUSE RESUME REPLAY                 — from the Slave Driver
 *            REGISTERED { slaveId }                                   — the answer to register
 *            JOB { job, idleAt } / JOB_FAILED { error, idleAt }       — the answer to requestJob for the IDLE
 *            JOB_PENDING { idleAt }                                   — requestJob will be answered later
 *            LOGGED / LOG_FAILED { error }, PAGES_DONE / PAGES_FAILED { error } — answers to logBuild, requestPages
 *   actions  reply(SlaveReply)  publishStatus(SlaveStatus)  log(LogEntry)  register(RegisterInput)  requestJob(RequestJobInput)
 *            logBuild(LogBuildInput)  requestPages(RequestPagesInput)  releaseJob(ReleaseJobInput)
 *   actors   expectFile  verifyFile
 *   delays   sweep (the silence check period, from input and the busy timeout in HELLO; raises SWEEP)
 *   output   SlaveSessionOutput  { reason: 'bye' | 'expired' | 'rejected', slaveId, build }
 *
 * The Slave Driver spawns a session for every new connection and hands it every message; the session
 * itself rejects a first message that is not HELLO (behaviour 39: logged as a fault, no reply, the session
 * ends as `rejected`), so a connection gets a slave id only once its HELLO is accepted (register).
 *
 * States follow the last reply, which is what 0.18's order checks look at:
 *   greeting ─HELLO─► registering ─REGISTERED/ACK─► connected.ready ─IDLE, JOB─► building (BUILD) | ready (SLEEP)
 *   ready ─IDLE, JOB_PENDING─► requesting ─JOB─► building (BUILD) | ready (SLEEP)      (a queue that answers later)
 *   building ─BUSY/CONT─► building ; ─BUSY/DONE (skipped)─► ready
 *   building ─BUILT─► recording (failure, or nothing to send) | transferring (SEND ⇄ SENT) ─► recording
 *   recording: logBuild → requestPages → DONE → ready
 * Any message out of order gets DIE and a protocol-error log (dying); BYE from anywhere ends the session
 * with no reply; silence longer than the slave's busy timeout ends it as expired (checked by a sweep).
 *
 * Performance: a message costs one macrostep. The answers to register, requestJob, logBuild and
 * requestPages (which every HELLO, IDLE or build makes, and so are actions answered by events rather than
 * invoked actors: see types.ts) are raised within the same macrostep when the service answers at once (the
 * queue, the id counter), else sent when it settles (the Oracle, the Secretary). The queue's answer to an
 * IDLE is taken in `ready` itself, so IDLE → SLEEP false (most of a busy farm's traffic) is two targetless
 * microsteps that enter and leave no state and, when the reply repeats the last one, make one new snapshot
 * (the IDLE's bookkeeping); only a queue that answers later (JOB_PENDING) goes through `requesting`. The
 * answers name their IDLE by the Date it arrived with, which is the last message heard (`lastSeen`) while
 * it is being answered, so an answer nobody waits for (another IDLE's, one before any IDLE) changes
 * nothing. Hence also no parallel region for the silence watch: every transition on a slave message
 * carries `heard(...)` (last-seen, silence reset, STATS), which the generated-path test checks for every
 * reachable state.
 *
 * Choices where 0.18 has none or a quirk (production answers; each is tested):
 *   - Per-slave SLEEP really pauses that slave (QUIRK 68 fixed).
 *   - A failed VERIFY re-EXPECTs before sending the same file again (the LATER fix of §6's QUIRK); after
 *     `maxSendAttempts` failures the build is abandoned with DONE and nothing logged, and built again next.
 *   - BUSY when no build is running, and HELLO from a known slave, get DIE like every other message out of
 *     order (0.18 answered such a BUSY with CONT, only to DIE at the BUILT).
 *   - A message that arrives while the answer to the previous one is still being worked out (the slave's
 *     REQ socket makes this impossible, so the peer is not a 0.18 slave) is logged and dropped: the pending
 *     answer is still sent, exactly once.
 *   - A failing service never crashes the session: JOB_FAILED → SLEEP false (the slave asks again);
 *     logBuild or expectFile failing → DONE with nothing recorded, and the job goes back to the head of its
 *     queue (releaseJob: 0.18 held it until the build timeout, 3 hours, ran out); requestPages failing →
 *     DONE (the build is recorded; the page is rewritten on the package's next change); verifyFile failing
 *     counts as a failed verify. Each failure is logged.
 *   - SKIP only affects a build in progress (0.18 kept the flag and killed the next build on its first
 *     BUSY); once BUILT has been accepted the transfer and logging complete normally, as in 0.18.
 *   - A failed build is logged without files.
 *   - A success whose files are not all this build's (another package's or version's: 0.18 let a slave
 *     take over any file row by naming its file) or whose dependencies are not well-formed names (the apt
 *     ones end up in a shell command on the project page) is recorded as a failure, the reason appended to
 *     its output; nothing is transferred. So is one reporting a wheel over the master's --max-file-size
 *     (the File Juggler would refuse it, and the version would be built again and again).
 */
import { and, assign, enqueueActions, setup } from 'xstate';
import { buildRecord, markTransferred, nextUntransferred, prepareFiles } from './files.js';
import { buildFilesProblem } from '../../protocols/packaging/wheel-filename.js';
import { actionNotProvided, actorNotProvided } from '../common/not-provided.js';
import { appendStats, EMPTY_STATS_LOG, STATS_KEPT } from './stats-log.js';
import { timerMs } from '../common/timer.js';
import { replayStatus, replyStatus, slaveStatus } from './status.js';
import type {
  ExpectFileInput,
  FileStateWire,
  LogBuildInput,
  LogEntry,
  RegisterInput,
  ReleaseJobInput,
  ReportedReply,
  RequestJobInput,
  RequestPagesInput,
  SlaveReply,
  SlaveSessionContext,
  SlaveSessionEvent,
  SlaveSessionInput,
  SlaveSessionOutput,
  SlaveStatus,
  VerifyFileInput,
} from './types.js';

const NAME = 'slaveSession';
const DEFAULT_SWEEP_MS = 5000;

/**
 * The silence watch for a busy timeout: sweep every min(sweep, timeout) ms and expire after
 * ceil(timeout / period) + 1 silent sweeps, so a slave is dropped only once silent for longer than its
 * timeout, and at most two periods later. Counting sweeps instead of re-arming a timer on every message
 * keeps a message's cost to one counter reset.
 */
export function silenceWatch(busyTimeoutMs: number, sweepMs: number): { sweepMs: number; sweepsToExpire: number } {
  const timeout = Math.max(busyTimeoutMs, 0);
  const period = Math.max(timerMs(Math.min(sweepMs, timeout)), 1);
  return { sweepMs: period, sweepsToExpire: Math.ceil(timeout / period) + 1 };
}
const PROTOCOL = '#slaveSession.connected';

type Ctx = SlaveSessionContext;
/** What parameter functions see: the context, and an event of which only the type is relied upon. */
type Args = { context: Ctx; event: { type: string } };
type Make<T> = T | ((args: Args) => T);
const resolve = <T>(make: Make<T>, args: Args): T =>
  typeof make === 'function' ? (make as (args: Args) => T)(args) : make;

const prefix = (context: Ctx) => `slave ${context.slaveId}`;
const abiOf = (context: Ctx) => context.hello![3];
const currentFile = (context: Ctx) => context.build!.files![context.fileIndex]!.file;
const buildName = (context: Ctx) => `${context.build!.package} ${context.build!.version}`;
/** The job of a JOB event that has one. */
const jobOf = (event: { type: string }) => (event as Extract<SlaveSessionEvent, { type: 'JOB' }>).job!;

// Action lists used by many transitions. They stay lists of named actions (not one opaque function) so the
// statechart drawing shows what each transition does.

/** Reply, remember it as the last reply, and tell the monitors (behaviour 69). */
const answer = (make: Make<ReportedReply>) =>
  [
    { type: 'reply', params: (args: Args) => resolve(make, args) },
    { type: 'noteReply', params: (args: Args) => resolve(make, args) },
    {
      type: 'publishStatus',
      params: (args: Args) => replyStatus(args.context.slaveId, args.context.lastSeen!, resolve(make, args)),
    },
  ] as const;

const logLine = (level: LogEntry['level'], message: (args: Args) => string) =>
  ({ type: 'log', params: (args: Args): LogEntry => ({ level, message: message(args) }) }) as const;

/** An error line about the slave's own misbehaviour (counted per slave by the Slave Driver). */
const faultLine = (message: (args: Args) => string) =>
  ({ type: 'log', params: (args: Args): LogEntry => ({ level: 'error', message: message(args), fault: true }) }) as const;

/** DIE with 0.18's error line, e.g. `slave 3: protocol error (IDLE after BUILD)` (behaviours 41, 49, 53). */
const protocolError = [
  faultLine(({ context, event }) =>
    `${prefix(context)}: protocol error (${event.type} after ${context.lastReply?.verb ?? 'nothing'})`),
  ...answer({ verb: 'DIE' }),
] as const;

/** A request before the previous one was answered: impossible for a REQ peer. Logged and dropped. */
const dropEarly = faultLine(({ context, event }) =>
  `${prefix(context)}: ignored ${event.type} sent before the reply to its last request`);

/** Give the build's job back to the queue, to be built again next. */
const releaseJob = {
  type: 'releaseJob',
  params: ({ context }: Args) => ({ slaveId: context.slaveId, abi: abiOf(context), job: [context.build!.package, context.build!.version] as const }),
} as const;

type Why = (args: Args & { event: { error?: unknown } }) => string;
/** The error line of a failure of the master's side, naming the slave. */
const failureLine = (why: Why) => logLine('error', (args) => `${prefix(args.context)}: ${why(args)}`);

/** Abandon the build with DONE after a failure of the master's side: nothing is recorded, the job goes back. */
const abandon = (why: Why) => [failureLine(why), releaseJob, ...answer({ verb: 'DONE' })] as const;

/** Why the files of a reported success cannot be taken (not this build's, or over the size limit). */
function refusalOf(context: SlaveSessionContext, files: readonly FileStateWire[]): string | undefined {
  const { package: pkg, version } = context.build!;
  const problem = buildFilesProblem(pkg, version, files);
  if (problem !== undefined || context.config.maxFileSize === null) return problem;
  const big = files.find((f) => f[1] > context.config.maxFileSize!);
  return big && `wheel ${JSON.stringify(big[0])} is ${big[1]} bytes, over the master's limit of ${context.config.maxFileSize} bytes`;
}

/**
 * The last reply, unless it only repeats it (SLEEP false to a slave that keeps asking, SLEEP true to one
 * that is paused): an assign makes a new snapshot, and the one that changes nothing is the common case.
 * An enqueueActions called with the action's params, which its own typing does not know of.
 */
const noteReply = enqueueActions(({ context, enqueue }, params) => {
  const reply = params as unknown as ReportedReply;
  const last = context.lastReply;
  const again = last !== null && last.verb === reply.verb && reply.verb !== 'DONE' && reply.verb !== 'BUILD' && last.data === reply.data;
  if (again) return;
  enqueue.assign(
    reply.verb === 'DONE'
      ? { lastReply: reply, build: null, skipped: false, fileIndex: 0, sendAttempts: 0 }
      : reply.verb === 'BUILD'
        ? { lastReply: reply, build: { package: reply.data[0], version: reply.data[1] } }
        : { lastReply: reply },
  );
}) as unknown as (_: unknown, params: ReportedReply) => void;

const wireTypes = ['HELLO', 'IDLE', 'BUSY', 'BUILT', 'SENT'] as const;
type WireType = (typeof wireTypes)[number];
/** A transition for every message from the slave (BYE aside). */
const onWire = <T>(make: (type: WireType) => T) =>
  Object.fromEntries(wireTypes.map((type) => [type, make(type)])) as Record<WireType, T>;

export const slaveSessionSetup = setup({
  types: {} as {
    input: SlaveSessionInput;
    context: SlaveSessionContext;
    events: SlaveSessionEvent;
    output: SlaveSessionOutput;
  },
  actions: {
    // Provided by the Slave Driver.
    reply: actionNotProvided(NAME, 'reply') as (_: unknown, params: SlaveReply) => void,
    publishStatus: actionNotProvided(NAME, 'publishStatus') as (_: unknown, params: SlaveStatus) => void,
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,
    register: actionNotProvided(NAME, 'register') as (_: unknown, params: RegisterInput) => void,
    requestJob: actionNotProvided(NAME, 'requestJob') as (_: unknown, params: RequestJobInput) => void,
    logBuild: actionNotProvided(NAME, 'logBuild') as (_: unknown, params: LogBuildInput) => void,
    requestPages: actionNotProvided(NAME, 'requestPages') as (_: unknown, params: RequestPagesInput) => void,
    releaseJob: actionNotProvided(NAME, 'releaseJob') as (_: unknown, params: ReleaseJobInput) => void,

    /** The last reply; BUILD starts the build, DONE ends it and the skip (behaviour 66). */
    noteReply: noteReply,
    /** A failed VERIFY of the current file. */
    countSendAttempt: assign(({ context }) => ({ sendAttempts: context.sendAttempts + 1 })),
    /** Every message: last heard from now, silence over; IDLE and BUSY stats kept for replay (71). */
    noteRequest: assign(({ context, event }) => {
      if (!('at' in event)) return {};
      return event.type === 'IDLE' || event.type === 'BUSY'
        ? { lastSeen: event.at, silentSweeps: 0, stats: appendStats(context.stats, { at: event.at, stats: event.data }, STATS_KEPT) }
        : { lastSeen: event.at, silentSweeps: 0 };
    }),
    countSilentSweep: assign(({ context }) => ({ silentSweeps: context.silentSweeps + 1 })),
  },
  actors: {
    expectFile: actorNotProvided<void, ExpectFileInput>(NAME, 'expectFile'),
    verifyFile: actorNotProvided<boolean, VerifyFileInput>(NAME, 'verifyFile'),
  },
  guards: {
    killed: ({ context }) => context.killed,
    paused: ({ context }) => context.paused || context.masterPaused,
    skipped: ({ context }) => context.skipped,
    hasBuild: ({ context }) => context.build !== null,
    hasHello: ({ context }) => context.hello !== null,
    /** The queue's answer carries a job. */
    hasJob: ({ event }) => (event as Extract<SlaveSessionEvent, { type: 'JOB' }>).job !== null,
    /**
     * The queue's answer names the slave's last message (the Date it arrived with, by identity), as
     * requestJob's answer does for the IDLE it answers while that IDLE is being handled: an answer nobody
     * is waiting for (another IDLE's, a made-up one) changes nothing.
     */
    answersLastIdle: ({ context, event }) => context.lastSeen !== null && (event as { idleAt?: Date }).idleAt === context.lastSeen,
    /** Some file still needs transferring. */
    moreToSend: ({ context }) => nextUntransferred(context.build?.files ?? []) !== -1,
    sendAttemptsLeft: ({ context }) => context.sendAttempts + 1 < context.config.maxSendAttempts,
    /** This sweep makes the silence longer than the busy timeout. */
    silentTooLong: ({ context }) => context.silentSweeps + 1 >= context.sweepsToExpire,
  },
  delays: {
    sweep: ({ context }) => context.sweepMs,
  },
});

/** A failed or errored VERIFY: re-EXPECT and re-send while attempts remain, else abandon the build. */
const verifyFailed = (detail: Why) => [
  {
    guard: 'sendAttemptsLeft' as const,
    target: 'expecting' as const,
    actions: [
      logLine('warning', (args) => `${prefix(args.context)}: ${detail(args)} ${currentFile(args.context)[0]}; sending it again`),
      'countSendAttempt' as const,
    ],
  },
  {
    target: `${PROTOCOL}.ready` as const,
    actions: abandon((args) => `${detail(args)} ${currentFile(args.context)[0]} ${args.context.config.maxSendAttempts} times; abandoning ${buildName(args.context)}`),
  },
];

/** Ask the Slave Driver's queue for a job for this IDLE; its answer names the IDLE by its arrival. */
const requestJob = {
  type: 'requestJob',
  params: ({ context }: { context: Ctx }) => ({
    slaveId: context.slaveId,
    abi: abiOf(context),
    buildTimeout: context.hello![0],
    idleAt: context.lastSeen!,
  }),
} as const;

/** A job from the queue: BUILD it (noteReply starts the build). */
const startBuild = [
  logLine('info', ({ context, event }) => `${prefix(context)}: build ${jobOf(event)[0]} ${jobOf(event)[1]}`),
  ...answer(({ event }) => ({ verb: 'BUILD', data: [jobOf(event)[0], jobOf(event)[1]] })),
] as const;

/** The queue could not answer: SLEEP false, so the slave asks again. */
const queueFailed = [
  logLine('error', ({ context, event }) =>
    `${prefix(context)}: build queue failed (${String((event as { error?: unknown }).error)}); told to sleep`),
  ...answer({ verb: 'SLEEP', data: false }),
] as const;

/** Status for each IDLE / BUSY (behaviour 69), made before the reply's own. */
const reportStats = {
  type: 'publishStatus',
  params: ({ context, event }: { context: Ctx; event: SlaveSessionEvent }) =>
    event.type === 'IDLE' || event.type === 'BUSY'
      ? slaveStatus(context.slaveId, event.at, 'STATS', event.data)
      : (undefined as never),
} as const;
const heardWithStats = ['noteRequest', reportStats] as const;
const heardPlain = ['noteRequest'] as const;
/** The first actions of every transition on a message from the slave. */
const heard = (type: WireType) => (type === 'IDLE' || type === 'BUSY' ? heardWithStats : heardPlain);
const nextSweep = slaveSessionSetup.raise({ type: 'SWEEP' }, { id: 'sweep', delay: 'sweep' });

export const slaveSessionMachine = slaveSessionSetup.createMachine({
  id: NAME,
  description:
    "The master's side of one build slave's conversation, one per slave that says HELLO, run by the Slave Driver. It owns the protocol's order (HELLO, IDLE, BUILD, BUSY, BUILT, SEND and SENT, DONE), answering any message out of order with DIE; the build in progress and the files still to be transferred and verified; logging the build and asking for its pages before DONE; and the silence check that expires a slave that stops talking. Sockets, SQL and files come in from the Slave Driver as named actions and actors.",
  context: ({ input }) => ({
    config: {
      peer: input.peer,
      pypiSimpleUrl: input.pypiSimpleUrl,
      maxSendAttempts: input.maxSendAttempts ?? 3,
      maxFileSize: input.maxFileSize ?? null,
    },
    slaveId: 0,
    hello: null,
    sweepMs: input.sweepMs ?? DEFAULT_SWEEP_MS,
    sweepsToExpire: 1,
    silentSweeps: 0,
    firstSeen: null,
    lastSeen: null,
    stats: EMPTY_STATS_LOG,
    lastReply: null,
    build: null,
    fileIndex: 0,
    sendAttempts: 0,
    killed: false,
    skipped: false,
    paused: false,
    masterPaused: input.masterPaused ?? false,
  }),
  output: ({ context, event }) => ({
    reason: (event as unknown as { output: { reason: SlaveSessionOutput['reason'] } }).output.reason,
    slaveId: context.slaveId,
    build: context.build && { package: context.build.package, version: context.build.version },
  }),
  // Requests from the Slave Driver, accepted in any state (behaviours 29, 42, 62, 67; QUIRK 68 fixed).
  on: {
    KILL: { actions: assign({ killed: true }) },
    SKIP: { guard: 'hasBuild', actions: assign({ skipped: true }) },
    SLEEP: { actions: assign({ paused: true }) },
    WAKE: { actions: assign({ killed: false, skipped: false, paused: false }) },
    PAUSE: { actions: assign({ masterPaused: true }) },
    RESUME: { actions: assign({ masterPaused: false }) },
    REPLAY: {
      guard: 'hasHello',
      actions: enqueueActions(({ context, enqueue }) => {
        for (const status of replayStatus(context)) enqueue({ type: 'publishStatus', params: status });
      }),
    },
  },
  initial: 'greeting',
  states: {
    /** Before HELLO: the Slave Driver made the session for a new connection. */
    greeting: {
      on: {
        // Behaviour 39: anything else first is an error and gets no reply.
        ...onWire(() => ({ target: 'rejected' as const })),
        BYE: { target: 'rejected' },
        HELLO: {
          target: 'registering',
          actions: assign(({ context, event }) => ({
            hello: event.data,
            ...silenceWatch(event.data[1].totalMilliseconds, context.sweepMs),
            firstSeen: event.at,
            lastSeen: event.at,
          })),
        },
      },
    },

    /** HELLO accepted: the Slave Driver gives the slave its id (answered at once, behaviour 37). */
    registering: {
      entry: { type: 'register', params: ({ context }) => ({ peer: context.config.peer, hello: context.hello! }) },
      on: {
        ...onWire((type) => ({ actions: [...heard(type), dropEarly] })),
        REGISTERED: {
          target: 'connected',
          actions: [
            assign({ slaveId: ({ event }) => event.slaveId }),
            {
              type: 'log',
              params: ({ context }) => {
                const hello = context.hello!;
                // Hello and shutdown at INFO, as 0.18 logs them (nothing per message above DEBUG).
                return {
                  level: 'info',
                  message: `${prefix(context)}: hello (build_timeout=${hello[0].totalSeconds}s, busy_timeout=${hello[1].totalSeconds}s, abi=${hello[3]}, platform=${hello[4]}, label=${hello[5]}, os=${hello[6]} ${hello[7]})`,
                };
              },
            },
            // HELLO before ACK on the status stream (behaviour 70).
            { type: 'publishStatus', params: ({ context }) => slaveStatus(context.slaveId, context.firstSeen!, 'HELLO', context.hello!) },
            ...answer(({ context }) => ({ verb: 'ACK', data: [context.slaveId, context.config.pypiSimpleUrl] })),
          ],
        },
      },
    },

    connected: {
      entry: nextSweep,
      exit: slaveSessionSetup.cancel('sweep'),
      // Whatever a state does not accept is out of order: DIE (behaviours 41, 49, 53).
      on: {
        ...onWire((type) => ({ target: '.dying' as const, actions: [...heard(type), ...protocolError] })),
        BYE: { target: 'gone', actions: 'noteRequest' },
        // Behaviour 59: dropped once silent for longer than the busy timeout.
        SWEEP: [
          { guard: 'silentTooLong', target: 'expired' },
          { actions: ['countSilentSweep', nextSweep] },
        ],
      },
      initial: 'ready',
      states: {
        /**
         * Last reply ACK, SLEEP or DONE: the slave should ask for work. An IDLE asks the Slave Driver's queue
         * for this ABI (behaviours 44–46), whose answer for that IDLE (JOB, JOB_FAILED) is raised at once
         * and taken here: IDLE → BUILD or SLEEP is one macrostep that never leaves `ready` on the way.
         * A queue that answers later says so (JOB_PENDING), and the session waits in `requesting`.
         */
        ready: {
          on: {
            IDLE: [
              { guard: 'killed', target: 'dying', actions: [...heardWithStats, ...answer({ verb: 'DIE' })] },
              { guard: 'paused', target: 'ready', actions: [...heardWithStats, ...answer({ verb: 'SLEEP', data: true })] },
              { actions: [...heardWithStats, requestJob] },
            ],
            JOB: [
              { guard: and(['answersLastIdle', 'hasJob']), target: 'building', actions: startBuild },
              { guard: 'answersLastIdle', actions: answer({ verb: 'SLEEP', data: false }) },
            ],
            JOB_FAILED: { guard: 'answersLastIdle', actions: queueFailed },
            JOB_PENDING: { guard: 'answersLastIdle', target: 'requesting' },
          },
        },

        /** The queue answers this IDLE later: whatever else the slave sends meanwhile is dropped. */
        requesting: {
          on: {
            ...onWire((type) => ({ actions: [...heard(type), dropEarly] })),
            JOB: [
              { guard: 'hasJob', target: 'building', actions: startBuild },
              { target: 'ready', actions: answer({ verb: 'SLEEP', data: false }) },
            ],
            JOB_FAILED: { target: 'ready', actions: queueFailed },
          },
        },

        /** Last reply BUILD (CONT replies leave it so). */
        building: {
          on: {
            BUSY: [
              { guard: 'skipped', target: 'ready', actions: [...heardWithStats, ...answer({ verb: 'DONE' })] },
              // CONT is neither a status nor a "last reply" (behaviour 69).
              { actions: [...heardWithStats, { type: 'reply', params: { verb: 'CONT' } }] },
            ],
            BUILT: [
              // Behaviour 50: a skipped build's result is discarded, nothing is logged.
              { guard: 'skipped', target: 'ready', actions: [...heardPlain, ...answer({ verb: 'DONE' })] },
              {
                guard: ({ event }) => !event.data[0],
                target: 'recording',
                actions: [
                  ...heardPlain,
                  assign({ build: ({ context, event }) => ({ ...context.build!, status: false, duration: event.data[1], output: event.data[2], files: [] }) }),
                  logLine('warning', ({ context }) => `${prefix(context)}: build failed ${buildName(context)}`),
                ],
              },
              {
                // Files that are not this build's (another package's, another version's) or carry names no
                // page may show are refused: the build is recorded as failed, with the reason in its output.
                guard: ({ context, event }) => refusalOf(context, event.data[3]) !== undefined,
                target: 'recording',
                actions: [
                  ...heardPlain,
                  assign({
                    build: ({ context, event }) => {
                      const refused = refusalOf(context, event.data[3])!;
                      const output = `${event.data[2]}\n\n[piwheels master: build refused: ${refused}]`;
                      return { ...context.build!, status: false, duration: event.data[1], output, files: [], refused };
                    },
                  }),
                  logLine('warning', ({ context }) => `${prefix(context)}: build refused ${buildName(context)}: ${context.build!.refused}`),
                ],
              },
              {
                target: 'transferring',
                actions: [
                  ...heardPlain,
                  assign({ build: ({ context, event }) => ({ ...context.build!, status: true, duration: event.data[1], output: event.data[2], files: prepareFiles(event.data[3]) }) }),
                  logLine('info', ({ context }) => `${prefix(context)}: build succeeded ${buildName(context)}`),
                ],
              },
            ],
          },
        },

        /** Behaviours 52–57: EXPECT, SEND, SENT, VERIFY for each untransferred file in filename order. */
        transferring: {
          initial: 'choosing',
          states: {
            choosing: {
              always: [
                {
                  guard: 'moreToSend',
                  target: 'expecting',
                  actions: assign({ fileIndex: ({ context }) => nextUntransferred(context.build!.files!), sendAttempts: 0 }),
                },
                { target: `${PROTOCOL}.recording` },
              ],
            },
            expecting: {
              on: onWire((type) => ({ actions: [...heard(type), dropEarly] })),
              invoke: {
                id: 'expectFile',
                src: 'expectFile',
                input: ({ context }) => ({ slaveId: context.slaveId, file: currentFile(context) }),
                onDone: { target: 'sending', actions: answer(({ context }) => ({ verb: 'SEND', data: currentFile(context)[0] })) },
                onError: {
                  target: `${PROTOCOL}.ready`,
                  actions: abandon(({ context, event }) =>
                    `file juggler refused ${currentFile(context)[0]} (${String(event.error)}); abandoning ${buildName(context)}`),
                },
              },
            },
            /** Last reply SEND: the slave is transferring the file; SENT expected. */
            sending: {
              on: { SENT: { target: 'verifying', actions: heardPlain } },
            },
            verifying: {
              on: onWire((type) => ({ actions: [...heard(type), dropEarly] })),
              invoke: {
                id: 'verifyFile',
                src: 'verifyFile',
                input: ({ context }) => ({ slaveId: context.slaveId, package: context.build!.package }),
                onDone: [
                  {
                    guard: ({ event }) => event.output,
                    target: 'choosing',
                    actions: assign({ build: ({ context }) => ({ ...context.build!, files: markTransferred(context.build!.files!, context.fileIndex) }) }),
                  },
                  ...verifyFailed(() => 'failed to verify'),
                ],
                onError: verifyFailed(({ event }) => `error (${String(event.error)}) verifying`),
              },
            },
          },
        },

        /** LOGBUILD, then PROJECT (failure) or BOTH (wheels) to the web queue, then DONE (51, 55, 57). */
        recording: {
          initial: 'logging',
          on: onWire((type) => ({ actions: [...heard(type), dropEarly] })),
          states: {
            logging: {
              entry: { type: 'logBuild', params: ({ context }) => buildRecord(context.slaveId, abiOf(context), context.build!) },
              on: {
                LOGGED: 'publishing',
                LOG_FAILED: {
                  target: `${PROTOCOL}.ready`,
                  actions: abandon(({ context, event }) =>
                    `failed to log the build of ${buildName(context)} (${String(event.error)}); it will be built again`),
                },
              },
            },
            publishing: {
              entry: {
                type: 'requestPages',
                params: ({ context }) => ({
                  verb: context.build!.status && context.build!.files!.length ? 'BOTH' : 'PROJECT',
                  data: context.build!.package,
                }),
              },
              on: {
                PAGES_DONE: { target: `${PROTOCOL}.ready`, actions: answer({ verb: 'DONE' }) },
                // The build is recorded: only its pages wait for the package's next change.
                PAGES_FAILED: {
                  target: `${PROTOCOL}.ready`,
                  actions: [
                    failureLine(({ context, event }) => `failed to request the pages of ${context.build!.package} (${String(event.error)})`),
                    ...answer({ verb: 'DONE' }),
                  ],
                },
              },
            },
          },
        },

        /** Last reply DIE: the slave should say BYE; anything else gets DIE again. */
        dying: {},
      },
    },

    /** BYE (behaviour 58): no reply; monitors see DIE with NoData. */
    gone: {
      type: 'final',
      output: { reason: 'bye' },
      entry: [
        logLine('info', ({ context }) => `${prefix(context)}: shutdown`),
        { type: 'publishStatus', params: ({ context }) => replyStatus(context.slaveId, context.lastSeen!, { verb: 'DIE' }) },
      ],
    },
    /** Silent past the busy timeout (behaviour 59): monitors see DIE with null. */
    expired: {
      type: 'final',
      output: { reason: 'expired' },
      entry: [
        logLine('warning', ({ context }) =>
          `${prefix(context)} (${context.hello![5]}): timed out${context.build ? ` while building ${buildName(context)}` : ''}`),
        { type: 'publishStatus', params: ({ context }) => slaveStatus(context.slaveId, context.lastSeen!, 'DIE', null) },
      ],
    },
    /** The first message was not HELLO (behaviour 39). */
    rejected: {
      type: 'final',
      output: { reason: 'rejected' },
      entry: faultLine(({ event }) => `invalid first message from slave: ${event.type}`),
    },
  },
});
