/**
 * Small real implementations of the tasks the Slave Driver talks to, serving their queues on the bus:
 * an Oracle that keeps builds in a Map and knows the build ABIs, a File Juggler that records EXPECT and
 * VERIFY and can be told to refuse, a Secretary that records page requests. Each can be told to fail.
 */
import type { Bus } from '../../../../actors/runtime/bus.js';
import { queues } from '../../../../actors/runtime/queues.js';
import type { BuildStateWire, FileStateWire } from '../../../../protocols/index.js';

export class FakeOracle {
  readonly builds = new Map<number, BuildStateWire>();
  readonly verbs: string[] = [];
  abis: Set<string>;
  #nextId = 1;
  #failing = new Set<string>();
  readonly stop: () => void;

  constructor(bus: Bus, abis: Iterable<string>) {
    this.abis = new Set(abis);
    this.stop = bus.serve(queues.db, async (msg) => {
      this.verbs.push(msg.verb);
      if (this.#failing.has(msg.verb)) return { verb: 'ERROR', data: `${msg.verb} failed: database unavailable` };
      switch (msg.verb) {
        case 'GETABIS':
          return { verb: 'OK', data: new Set(this.abis) };
        case 'LOGBUILD': {
          const id = this.#nextId++;
          this.builds.set(id, msg.data);
          return { verb: 'OK', data: id };
        }
        default:
          return { verb: 'ERROR', data: `unexpected ${msg.verb}` };
      }
    });
  }

  /** Every later request with this verb answers ERROR (until `recover`). */
  fail(verb: string): void {
    this.#failing.add(verb);
  }

  recover(verb: string): void {
    this.#failing.delete(verb);
  }

  count(verb: string): number {
    return this.verbs.filter((v) => v === verb).length;
  }
}

export type FsCall = { verb: 'EXPECT'; slaveId: number; file: FileStateWire } | { verb: 'VERIFY'; slaveId: number; pkg: string };

export class FakeFileJuggler {
  readonly calls: FsCall[] = [];
  /** Answers VERIFY gives, in order; OK once empty. */
  readonly verifies: boolean[] = [];
  refuseExpect = false;
  readonly stop: () => void;

  constructor(bus: Bus) {
    this.stop = bus.serve(queues.fs, async (msg) => {
      if (msg.verb === 'EXPECT') {
        const [slaveId, file] = msg.data;
        this.calls.push({ verb: 'EXPECT', slaveId, file });
        return this.refuseExpect ? { verb: 'ERROR', data: `unsafe filename ${file[0]}` } : { verb: 'OK', data: null };
      }
      const [slaveId, pkg] = msg.data;
      this.calls.push({ verb: 'VERIFY', slaveId, pkg });
      return (this.verifies.shift() ?? true) ? { verb: 'OK', data: null } : { verb: 'ERROR', data: 'hash mismatch' };
    });
  }
}

export class FakeSecretary {
  readonly requests: string[] = [];
  readonly stop: () => void;

  constructor(bus: Bus) {
    this.stop = bus.serve(queues.web, async (msg) => {
      this.requests.push(`${msg.verb} ${String(msg.data)}`);
      return { verb: 'DONE' };
    });
  }
}
