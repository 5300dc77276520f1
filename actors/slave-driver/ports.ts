/**
 * What the Slave Driver asks of other tasks, as one interface, and its implementation over the bus:
 * GETABIS and LOGBUILD through the DbClient (db queue), EXPECT and VERIFY to the File Juggler (fs queue),
 * PROJECT and BOTH to the Secretary (web queue). An Oracle or File Juggler `ERROR` becomes a typed
 * rejection; the slave session decides what the slave is told (see machines/slave-session).
 */
import type { BuildStateWire, FileStateWire } from '../../protocols/index.js';
import type { PageRequest } from '../../machines/slave-session/index.js';
import { DbClient } from '../oracle/db-client.js';
import type { Bus } from '../runtime/bus.js';
import { queues } from '../runtime/queues.js';
import { slaveDriverErrors } from './errors.js';

export interface SlaveDriverPorts {
  /** GETABIS: every build ABI (skipped ones included, as 0.18). */
  buildAbis(): Promise<ReadonlySet<string>>;
  /** LOGBUILD: resolves with the new build id. */
  logBuild(build: BuildStateWire): Promise<number>;
  /** EXPECT [slave_id, file]: rejects when the File Juggler refuses. */
  expectFile(slaveId: number, file: FileStateWire, signal?: AbortSignal): Promise<void>;
  /** VERIFY [slave_id, package]: true on OK, false on ERROR (wrong size or hash). */
  verifyFile(slaveId: number, pkg: string, signal?: AbortSignal): Promise<boolean>;
  /** PROJECT / BOTH: resolves on the Secretary's DONE. */
  requestPages(msg: PageRequest, signal?: AbortSignal): Promise<void>;
}

/** The ports over `bus`; `signal` (the Slave Driver stopping) ends every wait for the Oracle. */
export function busPorts(bus: Bus, signal?: AbortSignal): SlaveDriverPorts {
  const db = new DbClient(bus, signal === undefined ? {} : { signal });
  return {
    buildAbis: () => db.getBuildAbis(),
    logBuild: (build) => db.logBuild(build),
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
