/**
 * The File Juggler (protocols/README.md §4.2, §6; behaviours 72–84): owns the file-transfer ROUTER, one
 * master-transfer machine per expected file, and the wheels of the output directory.
 *
 *   fs queue (serve)     EXPECT [slave_id, file] → OK null: the file state is checked (plain PEP 427 wheel
 *                        filename, size within `maxFileSize`, a SHA-256 hex hash) and a temp file made in
 *                        `<output>/simple/` for it; an earlier transfer of that slave is dropped (73).
 *                        VERIFY [slave_id, package] → OK null once the transfer verified (size and SHA-256 of
 *                        what is on disk, fsynced) and the file is renamed into `simple/<package>/` (81, 83,
 *                        84); otherwise ERROR with why, the temp file gone (82). Anything else → ERROR (74).
 *   file ROUTER          HELLO <id> from a new identity starts the transfer EXPECTed for that id (75); its
 *   (--file-queue,       later frames go to that transfer's machine (76–80). CHUNK from an identity with no
 *    tcp://*:5556)       transfer is a stale packet and ignored (79).
 *   stats queue (push)   STATFS [size, free] of the output path at start-up and after each committed file
 *                        (72, 81).
 *
 * Requests about one slave id run one at a time, in order; different slaves' transfers run side by side.
 * A transfer that ended (verified or failed) waits `claimTimeoutMs` for its VERIFY, then is dropped with
 * its temp file; a failed one loses its temp file at once and keeps only its error for the VERIFY. Temp
 * files of an earlier run are removed at start-up. Nothing is written outside `<output>/simple/`.
 *
 * A transfer belongs to the identity that first said HELLO for it; a HELLO for it from any other identity
 * is logged and not answered (a new connection needs a new EXPECT, as 0.18). Once it has that identity,
 * every frame from it goes to its machine, even after the transfer ended (a client that missed DONE and
 * says HELLO again is told DONE again by the machine). Each transfer is a session of the task's actor
 * system (actors/runtime/sessions.ts), kept by slave id and found by its client's identity too.
 */
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fromPromise } from 'xstate';
import {
  clientFrameEvent,
  masterTransferMachine,
  transferErrors,
  transferOutcome,
  type MasterTransferOutput,
  type VerifyInput,
  type VerifyOutput,
} from '../../machines/file-transfer/index.js';
import type { MasterFrame } from '../../protocols/file-transfer.js';
import type { Message } from '../../protocols/protocol.js';
import type { FileStateWire } from '../../protocols/records.js';
import type { Bus } from '../runtime/bus.js';
import { logAt, type Logger } from '../runtime/logger.js';
import { queues } from '../runtime/queues.js';
import { spawnerOrOwnHost, type ChildSpawner } from '../runtime/session-host.js';
import { SessionRegistry, type Session, type SessionEnd } from '../runtime/sessions.js';
import { createFileRouter, type FileRouter, type FileRouterEvent } from '../zmq/transfer-sockets.js';
import type { PeerId } from '../zmq/router.js';
import { commitWheel, type Committed } from './commit.js';
import { diskStats } from './disk-stats.js';
import { fileJugglerErrors, quote } from './errors.js';
import { DEFAULT_MAX_FILE_SIZE, checkExpectedFile, checkPackage } from './file-checks.js';
import { FileHasher } from './file-hasher.js';
import { IncomingFile, isTempName } from './incoming-file.js';
import { StagingPool } from './staging-pool.js';

export const DEFAULT_FILE_QUEUE = 'tcp://*:5556';
/** How long an ended transfer waits for its VERIFY: twice a slave's 5-minute patience with the master. */
export const DEFAULT_CLAIM_TIMEOUT_MS = 10 * 60_000;

export interface FileJugglerOptions {
  bus: Bus;
  log: Logger;
  /** `-o`: the output directory; wheels go to `<output>/simple/<package>/`. */
  output: string;
  /** `--file-queue` (default tcp://*:5556). */
  address?: string;
  /** The largest file an EXPECT may announce (default 2 GiB). */
  maxFileSize?: number;
  /** Silence after which a transfer fails (default: the machine's 5 minutes). */
  silenceTimeoutMs?: number;
  /** How long an ended transfer waits for VERIFY (default 10 minutes). */
  claimTimeoutMs?: number;
  /**
   * Bytes asked for per FETCH, at most 4 MiB (default `chunkSizeFor`: 0.18's 65536, 256 KiB for a file of 16 MiB or more;
   * the FETCHes in flight follow it, `pipelineSizeFor`). Every client answers whatever length is asked,
   * so a larger size works with 0.18 slaves and importers and costs fewer messages per file.
   */
  chunkSize?: number;
  /** Where transfers are spawned: the task's (TaskContext.sessions); without one, a host of its own. */
  sessions?: ChildSpawner;
}

type FsReply = Message<(typeof queues.fs.protocol)['send']>;
type TransferMachine = typeof masterTransferMachine;
/** How a transfer ended: the machine's output, or why it stopped without one. */
type Outcome = MasterTransferOutput | { status: 'failed'; error: Error };

/** What the juggler knows about one transfer (for monitors and tests). */
export interface TransferInfo {
  slaveId: number;
  filename: string;
  filesize: number;
  /** `waiting` for HELLO, `transferring`, `complete` (every byte in, being checked), `verified`, `failed`. */
  state: 'waiting' | 'transferring' | 'complete' | 'verified' | 'failed';
  /** Bytes still missing. */
  missing: number;
}

/** What the juggler keeps beside each transfer's machine. */
interface TransferData {
  readonly slaveId: number;
  readonly file: FileStateWire;
  readonly incoming: IncomingFile;
  /** The identity the client's frames come from, once it said HELLO. */
  peer: PeerId | undefined;
  /** Set when the machine has ended. */
  outcome: Outcome | undefined;
  /** Resolves once the machine reached `verified` or `failed`, or failed itself. */
  ended: Promise<Outcome>;
  end: (outcome: Outcome) => void;
  claimTimer: NodeJS.Timeout | undefined;
  dropped: boolean;
}
type Transfer = Session<TransferMachine, TransferData>;

export class FileJuggler {
  readonly #opts: FileJugglerOptions;
  readonly #log: Logger;
  readonly #simple: string;
  readonly #maxFileSize: number;
  /** By slave id; found by the client's identity (alias) once it said HELLO. */
  readonly #transfers: SessionRegistry<TransferMachine, TransferData>;
  /** Where its sessions are spawned: the task's host, or one of its own when run without a task. */
  readonly #host: { spawner: ChildSpawner; stop(): void };
  /** The tail of each slave's requests: one at a time per slave id. */
  readonly #chains = new Map<number, Promise<void>>();
  /** Shared by every incoming file: the hashing worker and the staging buffers. */
  readonly #files = { hasher: new FileHasher(), staging: new StagingPool() };
  #router: FileRouter | undefined;
  #unserve: (() => void) | undefined;
  #stopped = false;

  private constructor(opts: FileJugglerOptions) {
    this.#opts = opts;
    this.#log = opts.log;
    this.#simple = join(opts.output, 'simple');
    this.#maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    this.#host = spawnerOrOwnHost(opts.sessions);
    this.#transfers = new SessionRegistry({ name: 'transfer', spawner: this.#host.spawner, onEnd: (transfer, end) => this.#failed(transfer, end) });
  }

  /**
   * Makes `<output>/simple/`, removes temp files an earlier run left there, binds the file queue, serves
   * the fs queue and pushes STATFS.
   */
  static async start(opts: FileJugglerOptions): Promise<FileJuggler> {
    const juggler = new FileJuggler(opts);
    await mkdir(juggler.#simple, { recursive: true });
    await juggler.#removeStaleTempFiles();
    juggler.#router = await createFileRouter({
      address: opts.address ?? DEFAULT_FILE_QUEUE,
      log: opts.log,
      target: { send: (event) => juggler.#onFrame(event) },
    });
    try {
      juggler.#unserve = opts.bus.serve(queues.fs, (msg) => juggler.handle(msg));
    } catch (err) {
      await juggler.stop();
      throw err;
    }
    await juggler.#pushDiskStats();
    return juggler;
  }

  /** The file queue's endpoint (the real port when bound to `tcp://…:*`). */
  get endpoint(): string {
    return this.#router!.endpoint;
  }

  /**
   * Answers one fs-queue request. The request is checked here as well as by the bus, so whatever reaches
   * the juggler (another transport, a caller that skipped the bus) gets ERROR rather than an exception.
   */
  async handle(request: unknown): Promise<FsReply> {
    let msg;
    try {
      const { verb, data } = (request ?? {}) as { verb?: unknown; data?: unknown };
      msg = queues.fs.protocol.checkRecv(verb, data, data !== undefined);
    } catch (err) {
      const error = fileJugglerErrors.request((err as Error).message);
      this.#log.error(error.message);
      return { verb: 'ERROR', data: error.message };
    }
    const [slaveId, arg] = msg.data;
    try {
      if (msg.verb === 'EXPECT') await this.expect(slaveId, arg as FileStateWire);
      else await this.verify(slaveId, arg as string);
      return { verb: 'OK', data: null };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (msg.verb === 'EXPECT') this.#log.error(message);
      else this.#log.warn(message);
      return { verb: 'ERROR', data: message };
    }
  }

  /** EXPECT: get ready for `file` from `slaveId`; an earlier transfer of that slave is dropped. */
  expect(slaveId: number, file: FileStateWire): Promise<void> {
    return this.#serial(slaveId, async () => {
      checkExpectedFile(slaveId, file, this.#maxFileSize);
      await this.#drop(slaveId);
      await this.#begin(slaveId, file);
      this.#log.debug(`expecting ${file[0]} (${file[1]} bytes) from slave ${slaveId}`);
    });
  }

  /**
   * VERIFY: once the transfer from `slaveId` has every byte and they match its size and SHA-256, moves
   * the file to `simple/<pkg>/<filename>` and pushes STATFS. Rejects with why not; either way the
   * transfer is over, unless it had not yet finished (`PIW_ERR_FS_INCOMPLETE`).
   */
  verify(slaveId: number, pkg: string): Promise<Committed> {
    return this.#serial(slaveId, async () => {
      const transfer = this.#transfers.get(String(slaveId));
      if (transfer === undefined) throw fileJugglerErrors.noTransfer(slaveId);
      const { data } = transfer;
      const [filename] = data.file;
      const snapshot = transfer.ref.getSnapshot();
      if (snapshot.matches('waiting') || snapshot.matches('transferring')) throw fileJugglerErrors.incomplete(slaveId, filename);
      const outcome = await data.ended;
      this.#forget(transfer);
      try {
        if (outcome.status === 'failed') throw outcome.error;
        checkPackage(pkg);
        let committed: Committed;
        try {
          committed = await commitWheel(data.incoming, this.#simple, pkg, filename);
        } catch (err) {
          throw fileJugglerErrors.io(`cannot store ${quote(filename)} in simple/${pkg}/`, err);
        }
        this.#log.info(`stored ${pkg}/${filename} (${data.file[1]} bytes) from slave ${slaveId}`);
        void this.#pushDiskStats();
        return committed;
      } catch (err) {
        await data.incoming.discard();
        throw err;
      }
    });
  }

  /** The transfers the juggler holds now. */
  transfers(): TransferInfo[] {
    return this.#transfers.list().map(({ ref, data }) => {
      const snapshot = ref.getSnapshot();
      const state = (['waiting', 'transferring', 'complete', 'verified', 'failed'] as const).find((s) => snapshot.matches(s))!;
      return { slaveId: data.slaveId, filename: data.file[0], filesize: data.file[1], state, missing: snapshot.context.received.missingBytes };
    });
  }

  /** Stops serving, closes the file queue and removes every temp file. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#unserve?.();
    await this.#router?.close();
    await Promise.allSettled(this.#chains.values());
    await Promise.all(this.#transfers.list().map((t) => this.#drop(t.data.slaveId)));
    this.#host.stop();
    await this.#files.hasher.stop();
  }

  // ------------------------------------------------------------------------------------- transfers

  /** Makes the temp file and starts the transfer machine for it. */
  async #begin(slaveId: number, file: FileStateWire): Promise<void> {
    const log = this.#log;
    // The callbacks run only once the actor has started, by which time `transfer` is set.
    let transfer!: Transfer;
    const writeFailed = (error: unknown) => {
      if (transfer.data.outcome === undefined && !transfer.data.dropped) transfer.ref.send({ type: 'WRITE_FAILED', error });
    };
    let incoming: IncomingFile;
    try {
      await mkdir(this.#simple, { recursive: true });
      incoming = await IncomingFile.create(this.#simple, slaveId, file[1], this.#files, writeFailed);
    } catch (err) {
      throw fileJugglerErrors.io(`cannot make a temp file in ${this.#simple} for ${quote(file[0])}`, err);
    }
    if (this.#stopped) {
      await incoming.discard();
      throw fileJugglerErrors.io(`cannot expect ${quote(file[0])}`, new Error('the File Juggler is stopping'));
    }
    const machine = masterTransferMachine.provide({
      actions: {
        sendFrames: (_, frames) => {
          const peer = transfer.data.peer;
          if (peer !== undefined) for (const frame of frames) this.#send(peer, frame);
        },
        writeChunk: (_, { offset, data }) => incoming.write(offset, data),
        log: (_, { level, message }) => logAt(log, level, message),
      },
      actors: {
        verify: fromPromise<VerifyOutput, VerifyInput>(() => incoming.seal()),
      },
      ...(this.#opts.silenceTimeoutMs === undefined ? {} : { delays: { silenceTimeout: this.#opts.silenceTimeoutMs } }),
    });
    let end!: (outcome: Outcome) => void;
    const outcome = new Promise<Outcome>((resolve) => (end = resolve));
    const data: TransferData = { slaveId, file, incoming, peer: undefined, outcome: undefined, ended: outcome, end, claimTimer: undefined, dropped: false };
    data.ended = outcome.then((outcome) => this.#ended(transfer, outcome));
    const input = this.#opts.chunkSize === undefined ? { slaveId, file } : { slaveId, file, chunkSize: this.#opts.chunkSize };
    transfer = this.#transfers.spawn(String(slaveId), machine as TransferMachine, input, data);
    transfer.ref.on('transfer.ended', ({ outcome }) => end(outcome));
    // a machine that reached its end while starting (nothing does today) has emitted it already
    const already = transferOutcome(transfer.ref.getSnapshot());
    if (already !== undefined) end(already);
  }

  /** The machine itself failed (an action threw) or was stopped with the task: the transfer is over. */
  #failed(transfer: Transfer, end: SessionEnd): void {
    const what = `transfer of ${quote(transfer.data.file[0])} from slave ${transfer.data.slaveId}`;
    transfer.data.end({ status: 'failed', error: end.status === 'error' ? transferErrors.io(what, end.error) : new Error(`${what}: dropped`) });
  }

  /** The machine has ended: a failure loses its temp file now; either way VERIFY has a while to claim it. */
  async #ended(transfer: Transfer, outcome: Outcome): Promise<Outcome> {
    const { data } = transfer;
    data.outcome = outcome;
    if (data.dropped) return outcome;
    if (outcome.status === 'failed') {
      this.#log.warn(outcome.error.message);
      await data.incoming.discard();
    }
    data.claimTimer = setTimeout(() => {
      void this.#serial(data.slaveId, async () => {
        if (this.#transfers.get(String(data.slaveId)) !== transfer) return;
        this.#log.warn(`dropping the transfer of ${data.file[0]} from slave ${data.slaveId}: no VERIFY came for it`);
        await this.#drop(data.slaveId);
      });
    }, this.#opts.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS);
    data.claimTimer.unref();
    return outcome;
  }

  /** Stops the transfer's machine and forgets it (its file is the caller's to commit or discard). */
  #forget(transfer: Transfer): void {
    transfer.data.dropped = true;
    clearTimeout(transfer.data.claimTimer);
    if (this.#transfers.get(String(transfer.data.slaveId)) === transfer) this.#transfers.stop(transfer.key);
  }

  /** Drops slave `slaveId`'s transfer, if any: stops its machine and removes its temp file. */
  async #drop(slaveId: number): Promise<void> {
    const transfer = this.#transfers.get(String(slaveId));
    if (transfer === undefined) return;
    this.#forget(transfer);
    await transfer.data.incoming.discard();
  }

  #serial<T>(slaveId: number, job: () => Promise<T>): Promise<T> {
    const run = (this.#chains.get(slaveId) ?? Promise.resolve()).then(job);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#chains.set(slaveId, tail);
    void tail.then(() => {
      if (this.#chains.get(slaveId) === tail) this.#chains.delete(slaveId);
    });
    return run;
  }

  // ----------------------------------------------------------------------------------------- wire

  #onFrame(event: FileRouterEvent): void {
    const known = this.#transfers.find(event.peer);
    if (known !== undefined) {
      known.ref.send(event.type === 'file.frame' ? clientFrameEvent(event.frame) : { type: 'INVALID', error: event.error });
      return;
    }
    if (event.type === 'file.invalid') return; // the adapter logged it; a stranger gets no reply (75)
    const { frame } = event;
    if (frame.verb === 'CHUNK') {
      this.#log.debug(`ignored CHUNK ${frame.offset} from ${event.peer}: no transfer (a stale packet)`);
      return;
    }
    const transfer = this.#transfers.get(String(frame.slaveId));
    // a transfer belongs to the first identity that says HELLO for it: another cannot take it over
    if (transfer === undefined || transfer.data.peer !== undefined || this.#stopped) {
      this.#router!.fault(event.peer, `HELLO from slave ${frame.slaveId} (${event.peer}) with no transfer expected`);
      return;
    }
    transfer.data.peer = event.peer;
    this.#transfers.alias(transfer.key, event.peer);
    transfer.ref.send(clientFrameEvent(frame));
  }

  /** Sends FETCH or DONE; a send can only fail once the socket is closing, which is logged. */
  #send(peer: PeerId, frame: MasterFrame): void {
    const failed = (err: unknown) => this.#log.error(`file transfer to ${peer}: send failed`, err);
    try {
      this.#router!.send(peer, frame).catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  // ---------------------------------------------------------------------------------------- disk

  async #removeStaleTempFiles(): Promise<void> {
    for (const name of await readdir(this.#simple)) {
      if (!isTempName(name)) continue;
      await unlink(join(this.#simple, name)).catch((err: unknown) => this.#log.warn(`cannot remove stale temp file ${name}`, err));
      this.#log.info(`removed ${name}, left by an unfinished transfer`);
    }
  }

  async #pushDiskStats(): Promise<void> {
    try {
      const stats = await diskStats(this.#opts.output);
      if (!this.#stopped) this.#opts.bus.push(queues.stats, { verb: 'STATFS', data: stats });
    } catch (err) {
      this.#log.error('cannot read the output disk statistics', err);
    }
  }
}

