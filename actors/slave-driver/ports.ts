/**
 * What the Slave Driver asks of other tasks, as one interface, and its implementation over the bus:
 * GETABIS and LOGBUILD to the Oracle (db queue), EXPECT and VERIFY to the File Juggler (fs queue), PROJECT
 * and BOTH to the Secretary (web queue). An Oracle or File Juggler `ERROR` becomes a typed rejection; the
 * slave session decides what the slave is told (see machines/slave-session).
 */
import * as v from 'valibot';
import { oracleResults, type BuildStateWire, type FileStateWire, type Message, type OracleVerb } from '../../protocols/index.js';
import type { PageRequest } from '../../machines/slave-session/index.js';
import type { Bus } from '../runtime/bus.js';
import { queues } from '../runtime/queues.js';
import { slaveDriverErrors } from './errors.js';

export interface SlaveDriverPorts {
  /** GETABIS: every build ABI (skipped ones included, as 0.18). */
  buildAbis(signal?: AbortSignal): Promise<ReadonlySet<string>>;
  /** LOGBUILD: resolves with the new build id. */
  logBuild(build: BuildStateWire, signal?: AbortSignal): Promise<number>;
  /** EXPECT [slave_id, file]: rejects when the File Juggler refuses. */
  expectFile(slaveId: number, file: FileStateWire, signal?: AbortSignal): Promise<void>;
  /** VERIFY [slave_id, package]: true on OK, false on ERROR (wrong size or hash). */
  verifyFile(slaveId: number, pkg: string, signal?: AbortSignal): Promise<boolean>;
  /** PROJECT / BOTH: resolves on the Secretary's DONE. */
  requestPages(msg: PageRequest, signal?: AbortSignal): Promise<void>;
}

type OracleReply = Message<(typeof queues.db.protocol)['send']>;

/** The `OK` result of an Oracle request, checked against the verb's result shape. */
function oracleResult<V extends OracleVerb>(verb: V, reply: OracleReply): v.InferOutput<(typeof oracleResults)[V]> {
  if (reply.verb === 'ERROR') throw slaveDriverErrors.oracle(verb, reply.data);
  const result = v.safeParse(oracleResults[verb], reply.data);
  if (!result.success) throw slaveDriverErrors.oracleReply(verb, result.issues[0].message);
  return result.output as v.InferOutput<(typeof oracleResults)[V]>;
}

export function busPorts(bus: Bus): SlaveDriverPorts {
  return {
    buildAbis: async (signal) => oracleResult('GETABIS', await bus.request(queues.db, { verb: 'GETABIS' }, { signal })),
    logBuild: async (build, signal) =>
      oracleResult('LOGBUILD', await bus.request(queues.db, { verb: 'LOGBUILD', data: build }, { signal })),
    async expectFile(slaveId, file, signal) {
      const reply = await bus.request(queues.fs, { verb: 'EXPECT', data: [slaveId, file] }, { signal });
      if (reply.verb === 'ERROR') throw slaveDriverErrors.fileJuggler('EXPECT', reply.data);
    },
    async verifyFile(slaveId, pkg, signal) {
      const reply = await bus.request(queues.fs, { verb: 'VERIFY', data: [slaveId, pkg] }, { signal });
      return reply.verb === 'OK';
    },
    async requestPages(msg, signal) {
      await bus.request(queues.web, msg, { signal });
    },
  };
}
