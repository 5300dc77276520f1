/**
 * What an import session asks of the other tasks, over the bus: the Oracle through a DbClient (db queue),
 * the File Juggler (fs queue: EXPECT / VERIFY as slave 0), the Secretary (web queue) and the Slave Driver
 * (skip queue). One set per session, so the transfer slot knows whose EXPECT it is. Every wait ends when
 * its step is abandoned: xstate aborts the signal it gives each invoked actor when the session leaves the
 * step or is stopped (as Mr Chase stops every session when it stops).
 *
 * A rejection's message is what the tool is told in ERROR: the Oracle's and the File Juggler's own text
 * (behaviour 92), or the bus's typed error when a task is not there.
 */
import { setImmediate } from 'node:timers/promises';
import type { ImportSessionQueries } from '../../machines/import-session/index.js';
import { DbClient, OracleError } from '../oracle/db-client.js';
import type { Bus } from '../runtime/bus.js';
import { queues } from '../runtime/queues.js';
import { mrChaseErrors } from './errors.js';
import type { TransferSlot } from './transfer-slot.js';


export interface SessionPortsOptions {
  bus: Bus;
  /** The importers' transfer slot, shared by every session. */
  slot: TransferSlot;
  /** Who the session is (its slot owner). */
  owner: string;
  /** How long an EXPECT waits for the slot before the import is refused (see DEFAULT_SLOT_WAIT_MS). */
  slotWaitMs: number;
}

export function sessionQueries({ bus, slot, owner, slotWaitMs }: SessionPortsOptions): ImportSessionQueries {
  /** One Oracle request; its ERROR text becomes the rejection's message. */
  const db = async <T>(signal: AbortSignal, ask: (client: DbClient) => Promise<T>): Promise<T> => {
    try {
      return await ask(new DbClient(bus, { signal }));
    } catch (err) {
      throw err instanceof OracleError ? mrChaseErrors.oracle(err.text, err) : err;
    }
  };
  return {
    getAbis: (_, signal) => db(signal, (c) => c.getBuildAbis()),
    versionExists: ({ package: pkg, version }, signal) => db(signal, (c) => c.testPackageVersion(pkg, version)),
    packageExists: ({ package: pkg }, signal) => db(signal, (c) => c.testPackage(pkg)),
    logBuild: (build, signal) => db(signal, (c) => c.logBuild(build)),
    skipPackage: ({ package: pkg, reason }, signal) => db(signal, (c) => c.skipPackage(pkg, reason)),
    skipVersion: ({ package: pkg, version, reason }, signal) => db(signal, (c) => c.skipPackageVersion(pkg, version, reason)),
    deletePackage: ({ package: pkg }, signal) => db(signal, (c) => c.deletePackage(pkg)),
    deleteVersion: ({ package: pkg, version }, signal) => db(signal, (c) => c.deleteVersion(pkg, version)),
    deleteBuild: ({ package: pkg, version }, signal) => db(signal, (c) => c.deleteBuild(pkg, version)),
    projectVersions: ({ package: pkg }, signal) => db(signal, (c) => c.getProjectVersions(pkg)),
    allPackages: (_, signal) => db(signal, (c) => c.getAllPackages()),
    // The time the names were seen is stamped here: the session machine has no clock.
    addPackage: (req, signal) => db(signal, (c) => c.addPackage({ ...req, seen: new Date() })),
    addVersion: (req, signal) => db(signal, (c) => c.addVersion({ ...req, seen: new Date() })),

    async expectFile({ slaveId, file }, signal) {
      await slot.acquire(owner, signal, slotWaitMs);
      try {
        const reply = await bus.request(queues.fs, { verb: 'EXPECT', data: [slaveId, file] }, { signal });
        if (reply.verb === 'ERROR') throw mrChaseErrors.fileJuggler(reply.data);
      } catch (err) {
        slot.release(owner);
        throw err;
      }
    },
    async verifyFile({ slaveId, package: pkg }, signal) {
      try {
        const reply = await bus.request(queues.fs, { verb: 'VERIFY', data: [slaveId, pkg] }, { signal });
        return reply.verb === 'OK';
      } finally {
        // Settled either way: a failed file is EXPECTed (and the slot taken) again before it is re-sent.
        slot.release(owner);
      }
    },
    async requestPages(msg, signal) {
      // A rebuild asks for every package one after another, each answered at once: without a turn of the
      // event loop between them the whole list would run as one chain of promises, and no slave would be
      // answered until the last (seconds, for a farm's catalogue).
      if (msg.verb === 'REBUILD') await setImmediate();
      await bus.request(queues.web, msg, { signal });
    },
    async skipDeleted(msg, signal) {
      await bus.request(queues.skip, msg, { signal });
    },
  };
}
