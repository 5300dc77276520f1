/**
 * `createSlaveSessionMachine(services)`: the slave-session machine with every side effect supplied as a
 * plain function. The Slave Driver makes one such machine and spawns one actor per slave from it
 * (`createActor(machine, { input: { slaveId, pypiSimpleUrl } })`), so the services are told which slave
 * they act for. Drawing tools use `slaveSessionMachine` (the placeholders) directly.
 */
import { fromPromise } from 'xstate';
import { slaveSessionMachine } from './machine.js';
import type {
  ExpectFileInput,
  LogBuildInput,
  LogBuildOutput,
  LogEntry,
  RequestJobInput,
  RequestJobOutput,
  RequestPagesInput,
  SlaveReply,
  SlaveStatus,
  VerifyFileInput,
} from './types.js';

export interface SlaveSessionServices {
  /** Send `reply` to the slave with this id (exactly once per request; never for BYE). */
  reply(slaveId: number, reply: SlaveReply): void;
  /** Push a `SLAVE` status message to the monitors. */
  publishStatus(status: SlaveStatus): void;
  /** Log a line; the message already names the slave. */
  log(entry: LogEntry): void;
  /**
   * Pop a job for the slave's ABI, or null; synchronously (the usual case: the queues are in memory)
   * or as a promise. An answer that comes after the session ended is dropped: the Slave Driver should
   * then release the job it handed out.
   */
  requestJob(input: RequestJobInput): RequestJobOutput | Promise<RequestJobOutput>;
  /** LOGBUILD; resolves with the build id, rejects on the Oracle's ERROR. */
  logBuild(input: LogBuildInput, signal: AbortSignal): Promise<LogBuildOutput>;
  /** EXPECT; rejects on the File Juggler's ERROR. */
  expectFile(input: ExpectFileInput, signal: AbortSignal): Promise<void>;
  /** VERIFY; true on OK, false on ERROR (wrong size or hash). Reject only when the check could not be made. */
  verifyFile(input: VerifyFileInput, signal: AbortSignal): Promise<boolean>;
  /** PROJECT / BOTH to the web queue; resolves on DONE. */
  requestPages(input: RequestPagesInput, signal: AbortSignal): Promise<void>;
}

export function createSlaveSessionMachine(services: SlaveSessionServices) {
  return slaveSessionMachine.provide({
    actions: {
      reply: ({ context }, reply) => services.reply(context.slaveId, reply),
      publishStatus: (_, status) => services.publishStatus(status),
      log: (_, entry) => services.log(entry),
      requestJob: ({ self }, input) => {
        let answer: RequestJobOutput | Promise<RequestJobOutput>;
        try {
          answer = services.requestJob(input);
        } catch (error) {
          self.send({ type: 'JOB_FAILED', error });
          return;
        }
        if (answer instanceof Promise) {
          answer.then((job) => self.send({ type: 'JOB', job }), (error: unknown) => self.send({ type: 'JOB_FAILED', error }));
        } else {
          self.send({ type: 'JOB', job: answer });
        }
      },
    },
    actors: {
      logBuild: fromPromise<LogBuildOutput, LogBuildInput>(({ input, signal }) => services.logBuild(input, signal)),
      expectFile: fromPromise<void, ExpectFileInput>(({ input, signal }) => services.expectFile(input, signal)),
      verifyFile: fromPromise<boolean, VerifyFileInput>(({ input, signal }) => services.verifyFile(input, signal)),
      requestPages: fromPromise<void, RequestPagesInput>(({ input, signal }) => services.requestPages(input, signal)),
    },
  });
}
