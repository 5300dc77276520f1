/**
 * SHA-256 of files being received, computed on a worker thread that reads them back from the page cache
 * as they are written, so hashing (about 1 GB/s of CPU) never runs on the master's event loop and is done
 * by the time the last chunk is: VERIFY then only waits for the fsync.
 *
 * One worker serves every transfer of a File Juggler; each file is a job on it. The owner tells a job how
 * far the file is final (`upTo`: those bytes will not be written again), then `finish()` once every write
 * has landed, which hashes the rest to the end of the file and gives the size and digest. The job reads
 * through the owner's file descriptor, so the owner must not close it before `finish()` or `close()` has
 * resolved.
 */
import { Worker } from 'node:worker_threads';
import { fileJugglerErrors } from './errors.js';

/** The worker's code: plain JavaScript, so it runs the same under tsx, jest and the built `dist/`. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { readSync } = require('node:fs');
const block = Buffer.allocUnsafe(4 << 20);
const jobs = new Map();
function hashTo(job, end) {
  while (job.position < end) {
    const n = readSync(job.fd, block, 0, Math.min(block.length, end - job.position), job.position);
    if (n === 0) return;
    job.hash.update(block.subarray(0, n));
    job.position += n;
  }
}
const describe = (err) => (err && err.message) || String(err);
parentPort.on('message', (m) => {
  if (m.type === 'open') {
    jobs.set(m.id, { fd: m.fd, hash: createHash('sha256'), position: 0, error: undefined });
    return;
  }
  const job = jobs.get(m.id);
  if (m.type === 'upTo') {
    if (job !== undefined && job.error === undefined) {
      try { hashTo(job, m.end); } catch (err) { job.error = describe(err); }
    }
    return;
  }
  jobs.delete(m.id);
  if (m.type === 'close') return parentPort.postMessage({ id: m.id, type: 'close' });
  if (job === undefined) return parentPort.postMessage({ id: m.id, type: 'finish', error: 'no such job' });
  try {
    if (job.error === undefined) hashTo(job, Infinity);
  } catch (err) {
    job.error = describe(err);
  }
  parentPort.postMessage(job.error === undefined
    ? { id: m.id, type: 'finish', size: job.position, sha256: job.hash.digest('hex') }
    : { id: m.id, type: 'finish', error: job.error });
});
`;

export interface Digest {
  size: number;
  /** Lowercase hex. */
  sha256: string;
}

type Reply = { id: number; type: 'finish' | 'close'; size?: number; sha256?: string; error?: string };

export interface HashJob {
  /** The file's bytes below `end` are final: the worker may hash them now. */
  upTo(end: number): void;
  /** Every write has landed: hash to the end of the file. The descriptor may be closed once this resolves. */
  finish(): Promise<Digest>;
  /** Abandons the job. The descriptor may be closed once this resolves. */
  close(): Promise<void>;
}

export class FileHasher {
  #worker: Worker | undefined;
  #nextId = 1;
  /** Jobs not yet finished or closed: the worker keeps the process alive only while there are some. */
  #open = 0;
  readonly #waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (err: Error) => void }>();

  /** Starts hashing the file open as `fd`, from its first byte. */
  open(fd: number): HashJob {
    const worker = this.#start();
    const id = this.#nextId++;
    worker.postMessage({ type: 'open', id, fd });
    if (this.#open++ === 0) worker.ref();
    let ended: Promise<unknown> | undefined;
    const ask = (type: 'finish' | 'close') => {
      const reply = new Promise<Reply>((resolve, reject) => {
        if (this.#worker !== worker) return reject(new Error('the hashing worker has stopped'));
        this.#waiting.set(id, { resolve, reject });
        worker.postMessage({ type, id });
      });
      ended = reply.catch(() => undefined);
      void ended.then(() => {
        if (this.#worker === worker && --this.#open === 0) worker.unref();
      });
      return reply;
    };
    return {
      upTo: (end) => {
        if (ended === undefined && this.#worker === worker) worker.postMessage({ type: 'upTo', id, end });
      },
      finish: async () => {
        if (ended !== undefined) throw fileJugglerErrors.hashing('the job has ended');
        const reply = await ask('finish');
        if (reply.error !== undefined || reply.sha256 === undefined) throw fileJugglerErrors.hashing(reply.error ?? 'no digest');
        return { size: reply.size!, sha256: reply.sha256 };
      },
      close: async () => {
        if (ended === undefined) await ask('close').catch(() => undefined);
        else await ended;
      },
    };
  }

  /** Stops the worker; jobs still waiting fail. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref(); // held only while jobs are open (see `open`)
    worker.on('message', (reply: Reply) => {
      const waiter = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      waiter?.resolve(reply);
    });
    const failAll = (err: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiter of this.#waiting.values()) waiter.reject(err);
      this.#waiting.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the hashing worker exited (code ${code})`)));
    this.#worker = worker;
    this.#open = 0;
    return worker;
  }
}
