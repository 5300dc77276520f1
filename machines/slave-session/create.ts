/**
 * `createSlaveSessionMachine(services)`: the slave-session machine with every side effect supplied as a
 * plain function. The Slave Driver makes one such machine and spawns one actor per connection from it
 * (input `{ peer, pypiSimpleUrl }`), so the services are told which connection they act for. Drawing tools
 * use `slaveSessionMachine` (the placeholders) directly.
 */
import { fromPromise } from 'xstate';
import { slaveSessionMachine, slaveSessionSetup } from './machine.js';
import type {
  ExpectFileInput,
  LogBuildInput,
  LogBuildOutput,
  LogEntry,
  RequestJobInput,
  RequestJobOutput,
  RegisterInput,
  ReleaseJobInput,
  RequestPagesInput,
  SlaveReply,
  SlaveSessionEvent,
  SlaveStatus,
  VerifyFileInput,
} from './types.js';

export interface SlaveSessionServices {
  /** Send `reply` on this connection (exactly once per request; never for BYE). */
  reply(peer: string, reply: SlaveReply): void;
  /** Push a `SLAVE` status message to the monitors. */
  publishStatus(status: SlaveStatus): void;
  /** Log a line; the message already names the slave, whose connection comes too (faults are counted per peer). */
  log(entry: LogEntry, peer: string): void;
  /** The next slave id for the connection whose HELLO was accepted; synchronously. */
  register(input: RegisterInput): number;
  /**
   * Pop a job for the slave's ABI, or null; synchronously (the usual case: the queues are in memory)
   * or as a promise. An answer that comes after the session ended is dropped: the Slave Driver should
   * then release the job it handed out.
   */
  requestJob(input: RequestJobInput): RequestJobOutput | Promise<RequestJobOutput>;
  /**
   * LOGBUILD; resolves with the build id, rejects on the Oracle's ERROR. Like requestJob, an answer that
   * comes after the session ended is dropped (and so is not aborted: the record stands).
   */
  logBuild(input: LogBuildInput): Promise<LogBuildOutput>;
  /** EXPECT; rejects on the File Juggler's ERROR. */
  expectFile(input: ExpectFileInput, signal: AbortSignal): Promise<void>;
  /** VERIFY; true on OK, false on ERROR (wrong size or hash). Reject only when the check could not be made. */
  verifyFile(input: VerifyFileInput, signal: AbortSignal): Promise<boolean>;
  /** PROJECT / BOTH to the web queue; resolves on DONE. An answer after the session ended is dropped. */
  requestPages(input: RequestPagesInput): Promise<void>;
  /** The build of `job` was abandoned with nothing recorded: the job goes back to the head of its queue. */
  releaseJob(input: ReleaseJobInput): void;
}

/**
 * A service whose answer is raised within the same macrostep (register, requestJob: one macrostep per HELLO
 * or IDLE instead of two, each of which cost a snapshot, its observers and a mailbox turn): a raise whose
 * event is made by calling the service, the cheapest action xstate has that puts an event in the
 * macrostep's own queue (an enqueueActions makes a dozen closures per call). A service that answers with
 * a promise raises `pending` at once and its answer is sent when it settles; a throw or a rejection becomes
 * the failure event (without one, a throw fails the session).
 */
function answerNow<P, T>(
  run: (input: P) => T | Promise<T>,
  events: {
    done: (value: T, input: P) => SlaveSessionEvent;
    failed?: (error: unknown, input: P) => SlaveSessionEvent;
    pending?: (input: P) => SlaveSessionEvent;
  },
): (_: unknown, params: P) => void {
  const { done, failed, pending } = events;
  // A raise is called with the action's params, which its own typing does not know of.
  const action = slaveSessionSetup.raise(({ self }, params) => {
    const input = params as unknown as P;
    let answer: T | Promise<T>;
    try {
      answer = run(input);
    } catch (error) {
      if (failed === undefined) throw error;
      return failed(error, input);
    }
    if (!(answer instanceof Promise)) return done(answer, input);
    if (pending === undefined) throw new TypeError('a service answered later where the session needs its answer at once');
    answer.then((value) => self.send(done(value, input)), (error: unknown) => failed && self.send(failed(error, input)));
    return pending(input);
  });
  return action as unknown as (_: unknown, params: P) => void;
}

/** A service whose answer comes later (the Oracle, the Secretary): sent to the session when it settles. */
function answerLater<P, T>(
  run: (input: P) => Promise<T>,
  done: (value: T) => SlaveSessionEvent,
  failed: (error: unknown) => SlaveSessionEvent,
): (args: { self: { send(event: SlaveSessionEvent): void } }, params: P) => void {
  return ({ self }, params) => {
    let answer: Promise<T>;
    try {
      answer = run(params);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then((value) => self.send(done(value)), (error: unknown) => self.send(failed(error)));
  };
}

export function createSlaveSessionMachine(services: SlaveSessionServices) {
  return slaveSessionMachine.provide({
    actions: {
      reply: ({ context }, reply) => services.reply(context.config.peer, reply),
      publishStatus: (_, status) => services.publishStatus(status),
      log: ({ context }, entry) => services.log(entry, context.config.peer),
      register: answerNow((input: RegisterInput) => services.register(input), { done: (slaveId) => ({ type: 'REGISTERED', slaveId }) }),
      requestJob: answerNow((input: RequestJobInput) => services.requestJob(input), {
        done: (job, { idleAt }) => ({ type: 'JOB', job, idleAt }),
        failed: (error, { idleAt }) => ({ type: 'JOB_FAILED', error, idleAt }),
        pending: ({ idleAt }) => ({ type: 'JOB_PENDING', idleAt }),
      }),
      logBuild: answerLater((input: LogBuildInput) => services.logBuild(input), (buildId) => ({ type: 'LOGGED', buildId }), (error) => ({ type: 'LOG_FAILED', error })),
      releaseJob: (_, input) => services.releaseJob(input),
      requestPages: answerLater((input: RequestPagesInput) => services.requestPages(input), () => ({ type: 'PAGES_DONE' }), (error) => ({ type: 'PAGES_FAILED', error })),
    },
    actors: {
      expectFile: fromPromise<void, ExpectFileInput>(({ input, signal }) => services.expectFile(input, signal)),
      verifyFile: fromPromise<boolean, VerifyFileInput>(({ input, signal }) => services.verifyFile(input, signal)),
    },
  });
}
