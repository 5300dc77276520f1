/**
 * Atomic writes of many small files on worker threads, for the Scribe's pages and build logs.
 *
 * writeFileAtomic (atomic-file.ts) writes with the event loop's async I/O: every system call (open,
 * write, fchmod, fsync, close, rename, and a stat to compare) is a round trip through libuv's thread
 * pool, a hand-off between threads that costs more CPU than most of the calls themselves (on the 2-core
 * VMs here: ~30-60 µs of CPU per round trip against ~6 µs for a synchronous stat). A package's four pages
 * and a dozen build logs took over a hundred of them. Here a file is one job for a worker, which makes
 * the calls synchronously: one message out, one back. The event loop, which also answers the slaves,
 * only renders and posts; compressing, encoding and comparing with what is on disk happen on the worker.
 *
 * Content produced in chunks is posted chunk by chunk as it comes (a page of 600,000 packages is never
 * copied in one piece), and the worker assembles it. Workers start when there is work for one (up to
 * `threads`, each file going to the least busy), never hold the process open, and end after a while idle.
 */
import { unlink } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { defineError } from '../../protocols/errors.js';
import { tempPathFor, type FileContent } from './atomic-file.js';

export const WriterStoppedError = defineError('PIW_ERR_WRITER_STOPPED', (why: string) => `the file-writing worker stopped: ${why}`);

/** The workers' code: plain JavaScript, so it runs the same under tsx, jest and the built `dist/`. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { dirname } = require('node:path');
const { gzipSync } = require('node:zlib');

// content of big files, sent ahead of their set: set id → file index → parts
const streams = new Map();
// zlib's window and hash table sized to the data (at most its defaults, 32 KiB and memLevel 8): setting
// up the default 256 KiB of state cost 40 us a file, most of what a short build log costs to compress
const gzipOptions = (size) => {
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(size + 262))));
  return { windowBits, memLevel: Math.max(1, windowBits - 7) };
};
// content arrives as ArrayBuffers handed over (not copied) by the main thread
const content = (parts, gzip) => {
  const data = parts.length === 1 ? Buffer.from(parts[0]) : Buffer.concat(parts.map((p) => Buffer.from(p)));
  return gzip ? gzipSync(data, gzipOptions(data.length)) : data;
};
const described = (err) => ({ message: (err && err.message) || String(err), code: err && err.code, syscall: err && err.syscall, path: err && err.path });
const removeQuietly = (path) => { try { fs.unlinkSync(path); } catch {} };

// A new file (O_EXCL) holding data with mode, fsynced if asked; on any failure it is removed.
function writeTemp(temp, data, mode, sync, makeDir) {
  let fd;
  try {
    fd = fs.openSync(temp, 'wx', 0o600);
  } catch (err) {
    if (!makeDir || err.code !== 'ENOENT') throw err;
    fs.mkdirSync(dirname(temp), { recursive: true, mode: 0o755 });
    fd = fs.openSync(temp, 'wx', 0o600);
  }
  try {
    try {
      for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done, data.length - done);
      fs.fchmodSync(fd, mode); // before the fsync, so the mode is on disk with the data
      if (sync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    removeQuietly(temp);
    throw err;
  }
}

// The file's content is complete: leave the target alone when it holds it already (compare), else
// write the temp file. 'existed' tells the caller whether a rename will add a name to the directory.
function stage(f) {
  const data = content(f.parts, f.gzip);
  const info = fs.statSync(f.path, { throwIfNoEntry: false });
  if (f.compare && info !== undefined && info.isFile() && info.size === data.length && (info.mode & 0o7777) === f.mode) {
    let old;
    try { old = fs.readFileSync(f.path); } catch {}
    if (old !== undefined && data.equals(old)) return { same: true, existed: true };
  }
  writeTemp(f.temp, data, f.mode, f.sync, false);
  return { same: false, existed: info !== undefined };
}

// Every file's temp written and fsynced (or the file left alone when it holds the content already), then
// all renamed in order, then the directories that gained a name fsynced. Before the renames, a failure
// removes every temp file; a failing rename removes those not renamed yet.
function writeSet(m, streamed) {
  const staged = [];
  try {
    m.files.forEach((f, i) => {
      const parts = streamed?.get(i) ?? [];
      parts.push(f.data);
      const r = stage({ ...f, parts, mode: m.mode, compare: m.compare, sync: true });
      if (!r.same) staged.push({ ...f, existed: r.existed });
    });
  } catch (err) {
    for (const f of staged) removeQuietly(f.temp);
    throw err;
  }
  for (let i = 0; i < staged.length; i++) {
    try {
      fs.renameSync(staged[i].temp, staged[i].path);
    } catch (err) {
      for (const f of staged.slice(i)) removeQuietly(f.temp);
      throw err;
    }
  }
  for (const dir of new Set(staged.filter((f) => !f.existed).map((f) => dirname(f.path)))) {
    const fd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  }
}

// Whether path is a directory, made if nothing was there; false when something else is in the way.
function makeDir(path, mode) {
  const info = fs.lstatSync(path, { throwIfNoEntry: false });
  if (info !== undefined) return info.isDirectory();
  try {
    fs.mkdirSync(path, mode);
    return true;
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
    return fs.lstatSync(path).isDirectory();
  }
}

function handle(m) {
  switch (m.t) {
    case 'part': {
      if (!streams.has(m.id)) streams.set(m.id, new Map());
      const set = streams.get(m.id);
      if (!set.has(m.file)) set.set(m.file, []);
      set.get(m.file).push(m.data);
      return undefined;
    }
    case 'drop':
      streams.delete(m.id);
      return {};
    case 'set':
      writeSet(m, streams.get(m.id));
      streams.delete(m.id);
      return {};
    case 'unlink':
      for (const path of m.paths) removeQuietly(path);
      return {};
    case 'place':
      return {
        errors: m.files.map((f) => {
          try {
            writeTemp(f.temp, content([f.data], f.gzip), m.mode, false, true);
            try {
              fs.renameSync(f.temp, f.path);
            } catch (err) {
              removeQuietly(f.temp);
              throw err;
            }
            return null;
          } catch (err) {
            return described(err);
          }
        }),
      };
    case 'survey': {
      // past something in the way, dirs below it are not looked at (they would be seen through a symlink)
      let clear = true;
      return {
        made: m.dirs.map((path) => (clear = clear && makeDir(path, m.mode))),
        present: m.files.map(({ path, minSize }) => {
          const info = fs.statSync(path, { throwIfNoEntry: false });
          return info !== undefined && info.isFile() && info.size >= minSize;
        }),
      };
    }
  }
  return { error: 'unknown job ' + m.t };
}

// Jobs come in batches (those posted to this worker in one turn of the main thread's event loop), in
// order, and their answers go back as one message.
parentPort.on('message', (batch) => {
  const replies = [];
  for (const m of batch) {
    let reply;
    try {
      reply = handle(m);
    } catch (err) {
      reply = { error: described(err) };
    }
    if (reply !== undefined) replies.push({ id: m.id, ...reply });
  }
  parentPort.postMessage(replies);
});
`;

/** Files placed per message at least, when there are enough to share among the workers. */
const PLACE_GROUP = 8;

/** Content bigger than this (characters or bytes) is posted to the worker in parts of about this size. */
const PART_SIZE = 1 << 16;

/**
 * Content as UTF-8 in an ArrayBuffer of its own, to hand to a worker without copying (a structured clone
 * of the strings would copy each twice more, and fresh memory is dear).
 */
function encoded(parts: readonly (string | Uint8Array)[]): ArrayBuffer {
  let size = 0;
  for (const part of parts) size += typeof part === 'string' ? Buffer.byteLength(part, 'utf8') : part.byteLength;
  const out = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const part of parts) {
    if (typeof part === 'string') at += out.write(part, at, 'utf8');
    else {
      out.set(part, at);
      at += part.byteLength;
    }
  }
  return out.buffer as ArrayBuffer;
}

/** An error as the worker describes it, made an Error again (with its `code`, as fs errors have). */
interface ErrorReply {
  message: string;
  code?: string;
  syscall?: string;
  path?: string;
}

interface Reply {
  id: number;
  error?: ErrorReply;
  errors?: (ErrorReply | null)[];
  present?: boolean[];
  made?: boolean[];
}

function rebuilt(e: ErrorReply): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(e.message);
  if (e.code !== undefined) err.code = e.code;
  if (e.syscall !== undefined) err.syscall = e.syscall;
  if (e.path !== undefined) err.path = e.path;
  return err;
}

interface Slot {
  worker: Worker;
  /** Jobs posted and not yet answered. */
  busy: number;
  idleTimer?: NodeJS.Timeout;
  /** Jobs of this turn of the event loop, posted together once it ends (with what they hand over). */
  outbox: object[];
  transfer: ArrayBuffer[];
}

export interface AtomicWriterOptions {
  /** Workers at most (default 4, as libuv's thread pool: as many fsyncs in flight). */
  threads?: number;
  /** A worker with no work for this long ends (default 10 s); the next job starts another. */
  idleMs?: number;
}

export interface WriteSetOptions {
  /** The files' mode (default 0644, whatever the umask). */
  mode?: number;
  /**
   * Leave a file that already holds exactly the new content, with the mode, alone (no write, no fsync,
   * its mtime kept): rewrites of pages that did not change cost a stat and a read from the page cache.
   */
  skipUnchanged?: boolean;
}

/** A file to look for: present when it is a regular file of at least `minSize` bytes (default 0). */
export interface SurveyedFile {
  path: string;
  minSize?: number;
}

/** A file to place: its whole content, gzip-compressed on the way when `gzip`. */
export interface PlacedFile {
  path: string;
  data: string | Uint8Array;
  gzip?: boolean;
}

export class AtomicWriter {
  readonly #threads: number;
  readonly #idleMs: number;
  readonly #slots: Slot[] = [];
  readonly #waiting = new Map<number, { slot: Slot; resolve: (reply: Reply) => void; reject: (err: Error) => void }>();
  #nextId = 1;
  #stopped = false;

  constructor(options: AtomicWriterOptions = {}) {
    this.#threads = Math.max(1, options.threads ?? 4);
    this.#idleMs = options.idleMs ?? 10_000;
  }

  /**
   * Writes a set of files, each replaced atomically (readers see the old file or the new one, whole),
   * with as few fsyncs as make them durable: every file is written to a temp name beside it and fsynced,
   * then all are renamed, then each directory that gained a name is fsynced once. A rename over an
   * existing file is not fsynced: it reaches the disk with the file system's next commit, and a crash
   * before then leaves the old file, whole (the new one was fsynced before the rename). The set is not
   * atomic (a reader may see some new files and some old). If any file fails before the renames (its
   * content, the disk), every temp file is removed and nothing is replaced.
   *
   * The set is one job for one worker (its fsyncs one after another; sets written at once run on
   * different workers): one message, one answer, whatever the number of files.
   */
  async writeFiles(files: readonly { path: string; data: FileContent }[], options: WriteSetOptions = {}): Promise<void> {
    const { mode = 0o644, skipUnchanged = false } = options;
    const job = this.#reserve();
    const entries: { path: string; temp: string; data: ArrayBuffer }[] = [];
    try {
      for (const [i, f] of files.entries()) {
        // content beyond PART_SIZE goes ahead as it is produced, so no piece of it is copied at once
        let parts: (string | Uint8Array)[] = [];
        let size = 0;
        for await (const chunk of typeof f.data === 'string' || f.data instanceof Uint8Array ? [f.data] : f.data) {
          parts.push(chunk);
          size += chunk.length;
          if (size >= PART_SIZE) {
            const data = encoded(parts);
            this.#post(job.slot, { t: 'part', id: job.id, file: i, data }, [data]);
            parts = [];
            size = 0;
          }
        }
        entries.push({ path: f.path, temp: tempPathFor(f.path), data: encoded(parts) });
      }
    } catch (err) {
      this.#post(job.slot, { t: 'drop', id: job.id });
      await job.reply.catch(() => undefined);
      throw err;
    }
    this.#post(job.slot, { t: 'set', id: job.id, files: entries, mode, compare: skipUnchanged }, entries.map((e) => e.data));
    await job.reply.catch(async (err: unknown) => {
      if (err instanceof WriterStoppedError) await this.#removeTemps(entries.map((e) => e.temp));
      throw err;
    });
  }

  /**
   * Writes files that can be made again (build logs, copies of what the database keeps): each to a temp
   * name, renamed into place, not fsynced, its directory made if missing. A crash can at worst leave one
   * missing or cut short, never a reader one half-written. Gives each file's failure, or undefined.
   */
  async placeFiles(files: readonly PlacedFile[], options: { mode?: number } = {}): Promise<(Error | undefined)[]> {
    const { mode = 0o644 } = options;
    // spread over the workers in runs of neighbours (files of one directory stay together), few enough
    // that a message carries a good handful
    const groups = Math.min(this.#threads, Math.ceil(files.length / PLACE_GROUP));
    const size = Math.ceil(files.length / Math.max(1, groups));
    const results = await Promise.all(
      Array.from({ length: groups }, async (_, g) => {
        const group = files.slice(g * size, (g + 1) * size);
        const jobs = group.map((f) => ({ path: f.path, temp: tempPathFor(f.path), data: encoded([f.data]), gzip: f.gzip === true }));
        const reply = await this.#ask({ t: 'place', files: jobs, mode }, jobs.map((j) => j.data));
        return reply.errors!.map((e) => (e === null ? undefined : rebuilt(e)));
      }),
    );
    return results.flat();
  }

  /**
   * Makes each directory of `dirs` that is missing (its parent must exist: list parents first) and says
   * which are directories now (`made`); something else in the way (a symlink, a file) is left alone and
   * answered false, and so is every directory after it, untouched. Then says whether each of `files` is a
   * regular file of at least its `minSize` bytes (`present`). One job, one message each way: what the
   * Scribe asks about a package before writing it.
   */
  async survey(request: { dirs?: readonly string[]; files?: readonly SurveyedFile[] }, mode = 0o755): Promise<{ made: boolean[]; present: boolean[] }> {
    const { dirs = [], files = [] } = request;
    if (dirs.length === 0 && files.length === 0) return { made: [], present: [] };
    const reply = await this.#ask({ t: 'survey', dirs, files: files.map((f) => ({ path: f.path, minSize: f.minSize ?? 0 })), mode });
    return { made: reply.made!, present: reply.present! };
  }

  /** Ends the workers; jobs still waiting fail, and nothing more can be written. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#slots.splice(0).map((slot) => this.#end(slot, 'stopped')));
  }

  async #removeTemps(temps: string[]): Promise<void> {
    if (temps.length === 0) return;
    // on the workers when they run; here when they have stopped
    await this.#ask({ t: 'unlink', paths: temps }).catch(() => Promise.all(temps.map((t) => unlink(t).catch(() => undefined))));
  }

  /** Posts a job to the least busy worker and waits for its answer. */
  #ask(job: object, transfer: ArrayBuffer[] = []): Promise<Reply> {
    let reserved;
    try {
      reserved = this.#reserve();
    } catch (err) {
      return Promise.reject(err);
    }
    this.#post(reserved.slot, { ...job, id: reserved.id }, transfer);
    return reserved.reply;
  }

  /** Chooses the worker for a job and waits for its answer, before the job (perhaps in parts) is posted. */
  #reserve(): { slot: Slot; id: number; reply: Promise<Reply> } {
    const slot = this.#pick();
    const id = this.#nextId++;
    const reply = new Promise<Reply>((resolve, reject) => {
      this.#waiting.set(id, { slot, resolve, reject });
    }).then((r) => {
      if (r.error !== undefined) throw rebuilt(r.error);
      return r;
    });
    reply.catch(() => undefined); // awaited once the job is posted, perhaps after the worker has failed
    if (slot.busy++ === 0) {
      clearTimeout(slot.idleTimer);
      slot.worker.ref();
    }
    return { slot, id, reply };
  }

  /**
   * Queues a job for the worker: the jobs of one turn of the event loop go as one message (one wake-up of
   * the worker and one answer, where a rebuild's many packages cost a message each way per job).
   */
  #post(slot: Slot, message: object, transfer: ArrayBuffer[] = []): void {
    slot.outbox.push(message);
    slot.transfer.push(...transfer);
    if (slot.outbox.length === 1) setImmediate(() => this.#flush(slot));
  }

  #flush(slot: Slot): void {
    if (slot.outbox.length === 0 || !this.#slots.includes(slot)) return;
    slot.worker.postMessage(slot.outbox.splice(0), slot.transfer.splice(0));
  }

  /** The least busy worker; a new one while every running one has work and there is room. */
  #pick(): Slot {
    if (this.#stopped) throw new WriterStoppedError('stop() was called');
    let best: Slot | undefined;
    for (const slot of this.#slots) if (best === undefined || slot.busy < best.busy) best = slot;
    if (best !== undefined && (best.busy === 0 || this.#slots.length >= this.#threads)) return best;
    return this.#spawn();
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const slot: Slot = { worker, busy: 0, outbox: [], transfer: [] };
    worker.unref();
    worker.on('message', (replies: Reply[]) => {
      for (const reply of replies) {
        const waiter = this.#waiting.get(reply.id);
        if (waiter === undefined) continue;
        this.#waiting.delete(reply.id);
        if (--slot.busy === 0) this.#idle(slot);
        waiter.resolve(reply);
      }
    });
    worker.on('error', (err) => void this.#end(slot, err.message));
    worker.on('exit', (code) => void this.#end(slot, `exit code ${code}`));
    this.#slots.push(slot);
    return slot;
  }

  #idle(slot: Slot): void {
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      if (slot.busy === 0) void this.#end(slot, 'idle');
    }, this.#idleMs);
    slot.idleTimer.unref();
  }

  /** Retires a worker: its waiting jobs fail, and later jobs go to others. */
  async #end(slot: Slot, why: string): Promise<void> {
    clearTimeout(slot.idleTimer);
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    for (const [id, waiter] of this.#waiting) {
      if (waiter.slot !== slot) continue;
      this.#waiting.delete(id);
      waiter.reject(new WriterStoppedError(why));
    }
    slot.busy = 0;
    await slot.worker.terminate();
  }
}

