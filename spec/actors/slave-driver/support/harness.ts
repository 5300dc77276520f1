/**
 * A Slave Driver on a real ZeroMQ socket (ipc:// in a temp dir, or tcp://127.0.0.1:*) with the fakes of
 * fakes.ts serving the db, fs and web queues, recorders on the status and stats queues, and slaves that
 * speak the protocol over REQ sockets exactly as piw-slave does.
 */
import * as zmq from 'zeromq';
import { createBus, type Bus } from '../../../../actors/runtime/bus.js';
import { memoryLogger } from '../../../../actors/runtime/logger.js';
import { queues } from '../../../../actors/runtime/queues.js';
import { createRequestClient, type RequestClient } from '../../../../actors/zmq/request.js';
import { SlaveDriver, type SlaveDriverOptions } from '../../../../actors/slave-driver/index.js';
import type { SlaveStatus } from '../../../../machines/slave-session/index.js';
import { slaveClientProtocol, slaveDriverProtocol, type Message } from '../../../../protocols/index.js';
import type { FileStateWire } from '../../../../protocols/index.js';
import { builtFailed, builtOk, helloData, statsData, type BuiltData } from '../../../machines/support/slave-fixtures.js';
import { eventually, tempDir } from '../../zmq/support.js';
import { FakeFileJuggler, FakeOracle, FakeSecretary } from './fakes.js';

type Reply = Message<(typeof slaveDriverProtocol)['send']>;
type Job = [string, string];

/** Items that arrive over time, with a way to wait for one. */
export class Recorder<T> {
  readonly items: T[] = [];
  #waiters: { test: (item: T) => boolean; from: number; resolve: (item: T) => void }[] = [];

  push = (item: T): void => {
    this.items.push(item);
    this.#waiters = this.#waiters.filter((w) => (w.test(item) ? (w.resolve(item), false) : true));
  };

  /** The first item from index `from` on that passes `test`, waiting for it if need be. */
  next(test: (item: T) => boolean, from = 0): Promise<T> {
    const found = this.items.slice(from).find(test);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ test, from, resolve }));
  }
}

/** `SLAVE` status messages as `[id, verb, data]` (timestamps left out). */
export const brief = (s: SlaveStatus) => [s.data[0], s.data[2], s.data[3]] as const;

export class TestSlave {
  readonly client: RequestClient<(typeof slaveClientProtocol)['recv'], (typeof slaveClientProtocol)['send']>;

  constructor(address: string) {
    this.client = createRequestClient({ protocol: slaveClientProtocol, address, timeoutMs: 20_000 });
  }

  hello(opts: { abi?: string; busyTimeoutMs?: number } = {}): Promise<Reply> {
    return this.client.request({ verb: 'HELLO', data: helloData(opts) });
  }
  idle(): Promise<Reply> {
    return this.client.request({ verb: 'IDLE', data: statsData(new Date()) });
  }
  busy(): Promise<Reply> {
    return this.client.request({ verb: 'BUSY', data: statsData(new Date()) });
  }
  built(data: BuiltData = builtFailed()): Promise<Reply> {
    return this.client.request({ verb: 'BUILT', data });
  }
  sent(): Promise<Reply> {
    return this.client.request({ verb: 'SENT' });
  }
  bye(): Promise<void> {
    return this.client.notify({ verb: 'BYE' });
  }
  close(): Promise<void> {
    return this.client.close();
  }

  /** HELLO then IDLE: the reply to the IDLE. */
  async connect(opts: { abi?: string; busyTimeoutMs?: number } = {}): Promise<Reply> {
    await this.hello(opts);
    return this.idle();
  }
}

/**
 * A peer that frames like REQ (empty delimiter, then the payload) over a DEALER, so a test can send
 * several requests in a row and see which of them were answered.
 */
export class RawPeer {
  readonly socket = new zmq.Dealer({ linger: 0 });

  constructor(address: string) {
    this.socket.connect(address);
  }

  send(payload: Buffer | Message<(typeof slaveClientProtocol)['send']>): Promise<void> {
    const frame = Buffer.isBuffer(payload) ? payload : slaveClientProtocol.encode(payload);
    return this.socket.send([Buffer.alloc(0), frame]);
  }

  async receive(): Promise<Reply> {
    const [empty, frame] = await this.socket.receive();
    if (empty!.length !== 0) throw new Error('reply without the empty delimiter');
    return slaveClientProtocol.decode(frame!);
  }

  close(): void {
    this.socket.close();
  }
}

export interface Harness {
  bus: Bus;
  driver: SlaveDriver;
  log: ReturnType<typeof memoryLogger>;
  oracle: FakeOracle;
  fs: FakeFileJuggler;
  web: FakeSecretary;
  statuses: Recorder<SlaveStatus>;
  /** STATBQ pushed by the driver (unless started with `readStats: false`). */
  statbq: Recorder<Record<string, number>>;
  /** A new slave connected to the driver (closed by `close`). */
  slave(): TestSlave;
  raw(): RawPeer;
  /** Pushes QUEUE and waits until the driver has applied it (its STATBQ). */
  queue(data: Record<string, Job[]>): Promise<Record<string, number>>;
  /** DELVER / DELPKG on the skip queue. */
  skip(pkg: string, ver?: string): Promise<unknown>;
  /** The driver's error-level log lines. */
  errors(): string[];
  messages(): string[];
  close(): Promise<void>;
}

export async function startDriver(
  opts: { abis?: string[]; transport?: 'ipc' | 'tcp'; readStats?: boolean } & Partial<Omit<SlaveDriverOptions, 'bus' | 'log'>> = {},
): Promise<Harness> {
  const { abis = ['cp311', 'cp39'], transport = 'ipc', readStats = true, ...driverOptions } = opts;
  const bus = createBus();
  const log = memoryLogger('master.slave_driver');
  const oracle = new FakeOracle(bus, abis);
  const fs = new FakeFileJuggler(bus);
  const web = new FakeSecretary(bus);
  const statuses = new Recorder<SlaveStatus>();
  bus.subscribe(queues.status, (msg) => {
    if (msg.verb === 'SLAVE') statuses.push(msg);
  });
  const statbq = new Recorder<Record<string, number>>();
  if (readStats) {
    bus.listen(queues.stats, (msg) => {
      if (msg.verb === 'STATBQ') statbq.push(msg.data);
    });
  }
  const dir = await tempDir();
  const address = transport === 'ipc' ? `ipc://${dir.path}/slave-driver` : 'tcp://127.0.0.1:*';
  const driver = await SlaveDriver.start({ bus, log, address, ...driverOptions });
  const slaves: TestSlave[] = [];
  const raws: RawPeer[] = [];
  return {
    bus,
    driver,
    log,
    oracle,
    fs,
    web,
    statuses,
    statbq,
    slave() {
      const s = new TestSlave(driver.endpoint);
      slaves.push(s);
      return s;
    },
    raw() {
      const r = new RawPeer(driver.endpoint);
      raws.push(r);
      return r;
    },
    async queue(data) {
      const from = statbq.items.length;
      const getabis = oracle.count('GETABIS');
      if (!bus.push(queues.builds, { verb: 'QUEUE', data })) throw new Error('builds queue full');
      await eventually(() => oracle.count('GETABIS') > getabis);
      return statbq.next(() => true, from);
    },
    async skip(pkg, ver) {
      return bus.request(queues.skip, ver === undefined ? { verb: 'DELPKG', data: pkg } : { verb: 'DELVER', data: [pkg, ver] });
    },
    errors: () => log.entries.filter((e) => e.level === 'error').map((e) => e.message),
    messages: () => log.entries.map((e) => `${e.level} ${e.message}`),
    async close() {
      for (const r of raws) r.close();
      await Promise.all(slaves.map((s) => s.close()));
      await driver.stop();
      bus.close();
      await dir.remove();
    },
  };
}

export { builtFailed, builtOk, helloData, statsData };
export type { BuiltData, FileStateWire };
