/**
 * Helpers for the File Juggler tests: a master (bus + juggler + memory log + STATFS collector) over a temp
 * output directory, wheels of real random bytes with their file states, and a raw DEALER that speaks the
 * file-transfer frames by hand, so a test can play a well-behaved, lossy or hostile client.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as zmq from 'zeromq';
import { FileJuggler, type FileJugglerOptions } from '../../../actors/file-juggler/index.js';
import { createBus, type Bus } from '../../../actors/runtime/bus.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { queues } from '../../../actors/runtime/queues.js';
import type { FileStateWire } from '../../../protocols/records.js';

export interface Wheel {
  filename: string;
  data: Buffer;
  file: FileStateWire;
}

/** A wheel of `size` random bytes; its file state carries their size and SHA-256. */
export function wheel(size: number, filename = 'foo-0.1-cp311-cp311-linux_x86_64.whl'): Wheel {
  const data = randomBytes(size);
  const parts = filename.slice(0, -'.whl'.length).split('-');
  const [name, version] = parts as [string, string];
  const [py, abi, platform] = parts.slice(-3) as [string, string, string];
  const file: FileStateWire = [filename, size, createHash('sha256').update(data).digest('hex'), name, version, py, abi, platform, {}];
  return { filename, data, file };
}

export type StatFs = [number, number];

export interface Master {
  bus: Bus;
  juggler: FileJuggler;
  log: ReturnType<typeof memoryLogger>;
  /** The temp directory holding `output` (so escapes from it can be looked for). */
  root: string;
  output: string;
  /** STATFS messages pushed so far. */
  statfs: StatFs[];
  expect(slaveId: number, file: FileStateWire): Promise<{ verb: string; data?: unknown }>;
  verify(slaveId: number, pkg: string): Promise<{ verb: string; data?: unknown }>;
  /** Every path under `root`, relative to it, sorted (symlinks not followed). */
  tree(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startMaster(opts: Partial<Omit<FileJugglerOptions, 'bus' | 'log' | 'output'>> = {}, prepare?: (output: string) => Promise<void>): Promise<Master> {
  const root = await mkdtemp(join(tmpdir(), 'piw-juggler-'));
  const output = join(root, 'www');
  if (prepare !== undefined) await prepare(output);
  const bus = createBus();
  const log = memoryLogger('master.file_juggler');
  const statfs: StatFs[] = [];
  bus.listen(queues.stats, (msg) => {
    if (msg.verb === 'STATFS') statfs.push(msg.data as StatFs);
  });
  const juggler = await FileJuggler.start({ bus, log, output, address: 'tcp://127.0.0.1:*', ...opts });
  return {
    bus,
    juggler,
    log,
    root,
    output,
    statfs,
    expect: (slaveId, file) => bus.request(queues.fs, { verb: 'EXPECT', data: [slaveId, file] }),
    verify: (slaveId, pkg) => bus.request(queues.fs, { verb: 'VERIFY', data: [slaveId, pkg] }),
    tree: () => tree(root),
    async close() {
      await juggler.stop();
      bus.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export async function tree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries.map((e) => relative(root, join(root, e))).sort();
}

/** Files in `<output>/simple/` that are transfer temp files. */
export async function tempFiles(output: string): Promise<string[]> {
  return (await readdir(join(output, 'simple'))).filter((n) => n.startsWith('.piw-transfer-'));
}

export type MasterFrameText = string;

/**
 * A file-transfer client driven by hand: a DEALER whose received frames are queued as text (`FETCH 0
 * 65536`, `DONE`), with helpers to answer FETCHes from a buffer.
 */
export class RawClient {
  readonly socket = new zmq.Dealer({ linger: 0 });
  readonly #received: Buffer[][] = [];
  #waiters: (() => void)[] = [];
  readonly #loop: Promise<void>;

  constructor(endpoint: string) {
    this.socket.connect(endpoint);
    this.#loop = (async () => {
      try {
        for await (const frames of this.socket) {
          this.#received.push(frames);
          for (const w of this.#waiters.splice(0)) w();
        }
      } catch {
        // closed
      }
    })();
  }

  send(...frames: (string | Buffer)[]): Promise<void> {
    return this.socket.send(frames);
  }

  hello(slaveId: number | string): Promise<void> {
    return this.send('HELLO', String(slaveId));
  }

  chunk(offset: number | string, data: Buffer): Promise<void> {
    return this.send('CHUNK', String(offset), data);
  }

  /** The next message from the master as text. */
  async next(): Promise<MasterFrameText> {
    while (this.#received.length === 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.#received.shift()!.map((f) => f.toString('latin1')).join(' ');
  }

  /** The next message, or undefined when none came within `ms`. */
  async nextWithin(ms: number): Promise<MasterFrameText | undefined> {
    if (this.#received.length === 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
        this.#waiters.push(resolve);
      });
      clearTimeout(timer);
      if (this.#received.length === 0) return undefined;
    }
    return this.next();
  }

  /** Whether the master sent anything within `ms` (for "sends nothing" behaviours). */
  async nothingWithin(ms: number): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.#received.length === 0;
  }

  /** Answers FETCH `text` from `data`. */
  answer(fetch: MasterFrameText, data: Buffer): Promise<void> {
    const [verb, offset, length] = fetch.split(' ');
    if (verb !== 'FETCH') throw new Error(`not a FETCH: ${fetch}`);
    const start = Number(offset);
    return this.chunk(offset!, data.subarray(start, start + Number(length)));
  }

  /**
   * Plays a whole transfer of `data` after HELLO: answers every FETCH (skipping those `drop` picks, as if
   * the chunk were lost) until DONE, saying HELLO again after `helloRetryMs` of silence as a real client
   * does (that is what recovers the credit of lost chunks); returns the FETCHes seen.
   */
  /** Answers every FETCH with the bytes `data` holds there, until DONE. */
  async answerUntilDone(data: Buffer): Promise<void> {
    for (let msg = await this.next(); msg !== 'DONE'; msg = await this.next()) await this.answer(msg, data);
  }

  async transfer(
    slaveId: number,
    data: Buffer,
    drop: (fetch: MasterFrameText, index: number) => boolean = () => false,
    helloRetryMs = 100,
  ): Promise<string[]> {
    await this.hello(slaveId);
    const seen: string[] = [];
    for (;;) {
      const msg = await this.nextWithin(helloRetryMs);
      if (msg === undefined) {
        await this.hello(slaveId);
        continue;
      }
      if (msg === 'DONE') return seen;
      seen.push(msg);
      if (!drop(msg, seen.length - 1)) await this.answer(msg, data);
    }
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.#loop;
  }
}

/**
 * For a test file whose tests each start a master: returns `client()`, a RawClient connected to the current
 * master's file queue, and closes every client and then the master after each test.
 */
export function rawClientsOf(current: () => Master | undefined): () => RawClient {
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await current()?.close();
  });
  return () => {
    const c = new RawClient(current()!.juggler.endpoint);
    clients.push(c);
    return c;
  };
}
