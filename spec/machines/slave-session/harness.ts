/**
 * Drives a slave session the way the Slave Driver will: events stamped with a simulated time, services
 * that record every call. Every reply and status is encoded with the real protocols, so an invalid
 * message fails the test where it is made.
 */
import { createActor, SimulatedClock } from 'xstate';
import { monitorStatsProtocol, slaveDriverProtocol } from '../../../protocols/index.js';
import { createSlaveSessionMachine } from '../../../machines/slave-session/index.js';
import type {
  LogEntry,
  RegisterInput,
  RequestJobOutput,
  SlaveReply,
  SlaveSessionEvent,
  SlaveSessionInput,
  SlaveSessionServices,
  SlaveStatus,
} from '../../../machines/slave-session/index.js';
import { builtOk, helloData, statsData } from '../support/slave-fixtures.js';
import type { BuiltData } from '../support/slave-fixtures.js';

export const EPOCH = Date.UTC(2024, 0, 1);
export const SLAVE_ID = 7;
/** The connection the session speaks for (its owner's name for it, handed back to reply and log). */
export const PEER = 'peer-7';
export const PYPI = 'https://pypi.org/simple';

/** Lets promise actors settle (their results arrive as events on later microtasks). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export type Call = { service: keyof SlaveSessionServices; input: unknown };

export function startSession(options: { input?: Partial<SlaveSessionInput>; services?: Partial<SlaveSessionServices> } = {}) {
  const clock = new SimulatedClock();
  const replies: SlaveReply[] = [];
  const statuses: SlaveStatus[] = [];
  const logs: LogEntry[] = [];
  const calls: Call[] = [];
  /** What each call of register was given. */
  const registered: RegisterInput[] = [];
  /** Answers requestJob gives, in order; null once empty. */
  const jobs: RequestJobOutput[] = [];
  /** Answers verifyFile gives, in order; true once empty. */
  const verifies: boolean[] = [];
  const record = (service: keyof SlaveSessionServices, input: unknown) => calls.push({ service, input });

  const services: SlaveSessionServices = {
    reply: (peer, reply) => {
      expect(peer).toBe(PEER);
      slaveDriverProtocol.encode(reply);
      replies.push(reply);
    },
    publishStatus: (status) => {
      monitorStatsProtocol.encode(status);
      statuses.push(status);
    },
    log: (entry, peer) => {
      expect(peer).toBe(PEER);
      logs.push(entry);
    },
    register: (input) => (registered.push(input), SLAVE_ID),
    requestJob: (input) => (record('requestJob', input), jobs.shift() ?? null),
    logBuild: async (input) => (record('logBuild', input), 1),
    expectFile: async (input) => void record('expectFile', input),
    verifyFile: async (input) => (record('verifyFile', input), verifies.shift() ?? true),
    requestPages: async (input) => void record('requestPages', input),
    releaseJob: (input) => void record('releaseJob', input),
    ...options.services,
  };
  const actor = createActor(createSlaveSessionMachine(services), {
    clock,
    input: { peer: PEER, pypiSimpleUrl: PYPI, ...options.input },
  });
  const errors: unknown[] = [];
  actor.subscribe({ error: (err) => errors.push(err) });
  actor.start();

  const now = () => new Date(EPOCH + clock.now());
  const send = async (event: SlaveSessionEvent) => {
    actor.send(event);
    await settle();
    if (errors.length) throw errors[0];
  };
  /** Moves the simulated clock on in steps (a timer re-armed when it fires only counts from then). */
  const advance = async (ms: number, step = 1000) => {
    for (let done = 0; done < ms; done += step) clock.increment(Math.min(step, ms - done));
    await settle();
    if (errors.length) throw errors[0];
  };
  const session = {
    advance,
    actor,
    clock,
    replies,
    statuses,
    logs,
    calls,
    registered,
    jobs,
    verifies,
    send,
    now,
    /** The verbs of the replies so far. */
    replyVerbs: () => replies.map((r) => r.verb),
    /** `[verb, data]` of each status so far (slave id and time dropped). */
    statusVerbs: () => statuses.map((s) => s.data[2]),
    lastReply: () => replies[replies.length - 1],
    callsOf: (service: keyof SlaveSessionServices) => calls.filter((c) => c.service === service).map((c) => c.input),
    errorLogs: () => logs.filter((l) => l.level === 'error').map((l) => l.message),
    state: () => actor.getSnapshot(),
    hello: (data = helloData()) => send({ type: 'HELLO', data, at: now() }),
    idle: () => send({ type: 'IDLE', data: statsData(now()), at: now() }),
    busy: () => send({ type: 'BUSY', data: statsData(now()), at: now() }),
    built: (data: BuiltData = builtOk()) => send({ type: 'BUILT', data, at: now() }),
    sent: () => send({ type: 'SENT', data: undefined, at: now() }),
    bye: () => send({ type: 'BYE', data: undefined, at: now() }),
    /** HELLO, then IDLE answered with BUILD foo 1.0. */
    async toBuilding() {
      await session.hello();
      jobs.push(['foo', '1.0']);
      await session.idle();
    },
  };
  return session;
}
