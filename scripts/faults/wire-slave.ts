/**
 * A fast build slave for the fault suite and the soak: the real 0.18 slave protocol (REQ, the project's
 * codec) and the real file transfer (actors/file-sender), but no pip: each BUILD gets a small wheel made on
 * the spot (a zip with METADATA, or a sparse file of `bigFile` bytes for the 2 GiB boundary), reported
 * BUILT at once and sent when the master asks.
 *
 * It keeps the slave's own account: `accepted` holds every build the master answered DONE after the
 * slave had sent all its files (the master has acknowledged it), with its file's name and hash. A build
 * the master then does not have is lost. Like a 0.18 slave it starts again with HELLO on a fresh socket
 * when the master falls silent (killed, restarting).
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as zmq from 'zeromq';
import { sendFile } from '../../actors/file-sender/index.js';
import { slaveClientProtocol, TimeDelta, type FileStateWire, type Message } from '../../protocols/index.js';
import { zipBuffer } from '../pypi-standin/zip-writer.js';

type Reply = Message<(typeof slaveClientProtocol)['recv']>;

export interface AcceptedBuild {
  package: string;
  version: string;
  filename: string;
  hash: string;
}

export interface WireSlaveOptions {
  slaveQueue: string;
  fileQueue: string;
  /** Where wheels are made. */
  dir: string;
  abi?: string;
  label?: string;
  /**
   * Silence before the slave gives up on the master and starts again. By default the busy timeout it
   * announces in HELLO (60 s), as a 0.18 slave waits out its own: a master that retries through a
   * database outage answers late, not never. Tests that kill the master pass less to start again sooner.
   */
  replyTimeoutMs?: number;
  /** Make each wheel a sparse file of this many bytes (for the package given) instead of a small zip. */
  bigFile?: number | ((pkg: string) => number);
  /** Lets a test shape what the slave reports (hostile names, sizes, dependencies). */
  report?: (file: FileStateWire, pkg: string, version: string) => FileStateWire;
}

/** The busy timeout announced in HELLO, and the default silence before giving up on the master. */
const BUSY_TIMEOUT_S = 60;

const dist = (pkg: string) => pkg.replace(/[-_.]+/g, '_');

export class WireSlave {
  readonly accepted: AcceptedBuild[] = [];
  /** Builds handed out by the master (BUILD replies). */
  builds = 0;
  /** Times the slave started again after the master fell silent or went away. */
  restarts = 0;
  /** Since when the master has had nothing to build for this slave (SLEEP after SLEEP); undefined while it has. */
  idleSince: number | undefined;
  /** Called as each file transfer begins (a test's moment to break something mid-transfer). */
  onSend: ((filename: string) => void) | undefined;
  readonly #opts: WireSlaveOptions;
  #running = true;
  #socket: zmq.Request | undefined;
  readonly #done: Promise<void>;

  get #replyTimeoutMs(): number {
    return this.#opts.replyTimeoutMs ?? BUSY_TIMEOUT_S * 1000;
  }

  constructor(opts: WireSlaveOptions) {
    this.#opts = opts;
    this.#done = this.#run();
  }

  async #run(): Promise<void> {
    await mkdir(this.#opts.dir, { recursive: true });
    while (this.#running) {
      const socket = (this.#socket = new zmq.Request({ linger: 0, receiveTimeout: this.#replyTimeoutMs }));
      socket.connect(this.#opts.slaveQueue);
      try {
        await this.#session(socket);
      } catch {
        if (this.#running) {
          this.restarts++;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } finally {
        socket.close();
      }
    }
  }

  async #ask(socket: zmq.Request, msg: Message<(typeof slaveClientProtocol)['send']>): Promise<Reply> {
    await socket.send(slaveClientProtocol.encode(msg));
    const [frame] = await socket.receive();
    return slaveClientProtocol.decode(frame!);
  }

  async #session(socket: zmq.Request): Promise<void> {
    const hello = await this.#ask(socket, {
      verb: 'HELLO',
      data: [
        TimeDelta.fromSeconds(3 * 3600), TimeDelta.fromSeconds(BUSY_TIMEOUT_S), '311', this.#opts.abi ?? 'cp311', 'linux_armv7l',
        this.#opts.label ?? 'wire-slave', 'Raspbian GNU/Linux', '11', 'c03111', 'none',
      ],
    });
    if (hello.verb !== 'ACK') throw new Error(`HELLO answered ${hello.verb}`);
    const slaveId = hello.data[0];
    const stats = () => [new Date(), 32e9, 20e9, 4e9, 3e9, 0, 0, 0.5, 45.0] as [Date, number, number, number, number, number, number, number, number];
    while (this.#running) {
      const reply = await this.#ask(socket, { verb: 'IDLE', data: stats() });
      if (reply.verb === 'SLEEP') {
        this.idleSince ??= Date.now();
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      this.idleSince = undefined;
      if (reply.verb === 'DIE') throw new Error('told to DIE');
      if (reply.verb !== 'BUILD') throw new Error(`IDLE answered ${reply.verb}`);
      this.builds++;
      const [pkg, version] = reply.data;
      const wheel = await this.#makeWheel(pkg, version);
      let next = await this.#ask(socket, { verb: 'BUILT', data: [true, TimeDelta.fromSeconds(1), `built ${pkg} ${version}\n`, [wheel.state]] });
      while (next.verb === 'SEND') {
        this.onSend?.(next.data);
        await sendFile({ address: this.#opts.fileQueue, slaveId, path: wheel.path, masterTimeoutMs: this.#replyTimeoutMs });
        next = await this.#ask(socket, { verb: 'SENT' });
      }
      await rm(wheel.path, { force: true });
      if (next.verb !== 'DONE') throw new Error(`BUILT answered ${next.verb}`);
      this.accepted.push({ package: pkg, version, filename: wheel.state[0], hash: wheel.state[2] });
    }
    await socket.send(slaveClientProtocol.encode({ verb: 'BYE' }));
  }

  async #makeWheel(pkg: string, version: string): Promise<{ path: string; state: FileStateWire }> {
    const filename = `${dist(pkg)}-${version}-cp311-cp311-linux_armv7l.whl`;
    const file = path.join(this.#opts.dir, filename);
    let size: number;
    let hash: string;
    if (this.#opts.bigFile !== undefined) {
      // A sparse file: no disk and no time to make, and its hash is that of so many zero bytes.
      size = typeof this.#opts.bigFile === 'number' ? this.#opts.bigFile : this.#opts.bigFile(pkg);
      const handle = await open(file, 'w');
      await handle.truncate(size);
      await handle.close();
      hash = await zeroHash(size);
    } else {
      const data = zipBuffer([
        { name: `${dist(pkg)}-${version}.dist-info/METADATA`, data: `Metadata-Version: 2.1\nName: ${pkg}\nVersion: ${version}\n` },
        { name: `${dist(pkg)}/__init__.py`, data: `# ${pkg} ${version} ${Math.random()}\n` },
      ]);
      await writeFile(file, data);
      size = data.length;
      hash = createHash('sha256').update(data).digest('hex');
    }
    const state: FileStateWire = [filename, size, hash, dist(pkg), version, 'cp311', 'cp311', 'linux_armv7l', {}];
    return { path: file, state: this.#opts.report?.(state, pkg, version) ?? state };
  }

  /** Whether the master has had nothing to build for this slave for `ms`. */
  idleFor(ms: number): boolean {
    return this.idleSince !== undefined && Date.now() - this.idleSince >= ms;
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#socket?.close();
    await this.#done;
  }
}

/** The state after the most zero bytes hashed so far: a larger size carries on from it. */
let zeroes: { size: number; hash: Hash } = { size: 0, hash: createHash('sha256') };

/** SHA-256 of `size` zero bytes, a megabyte at a time. */
export async function zeroHash(size: number): Promise<string> {
  const hash = size >= zeroes.size ? zeroes.hash.copy() : createHash('sha256');
  const block = Buffer.alloc(1 << 20);
  for (let left = size - (size >= zeroes.size ? zeroes.size : 0); left > 0; left -= block.length) {
    hash.update(left >= block.length ? block : block.subarray(0, left));
    await new Promise((resolve) => setImmediate(resolve));
  }
  zeroes = { size, hash: hash.copy() };
  return hash.digest('hex');
}
