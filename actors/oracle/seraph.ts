/**
 * Seraph: shares requests among the Oracles (protocols/README.md §4.4, "Seraph framing"). Each Oracle answers
 * one request at a time; an Oracle that is ready (at start, and after each answer) joins the queue of idle
 * Oracles; a request that finds none idle waits, first come first served, until one is (behaviour 168),
 * and each answer goes back to the request it belongs to (behaviour 169). Database requests vary a lot in
 * length, which is why there are several Oracles: a long query holds one, not all.
 */
import { Fifo } from '../runtime/fifo.js';
import type { Oracle, OracleReply, OracleRequest } from './oracle.js';

interface Waiting {
  request: OracleRequest;
  resolve: (reply: OracleReply) => void;
}

export class Seraph {
  private readonly idle = new Fifo<Oracle>();
  private readonly waiting = new Fifo<Waiting>();
  private readonly busy = new Set<Promise<void>>();
  private stopped = false;

  /** An Oracle says READY (behaviour 170): it takes the oldest waiting request, or waits for one. */
  ready(oracle: Oracle): void {
    const next = this.waiting.shift();
    if (next === undefined || this.stopped) {
      this.idle.push(oracle);
      return;
    }
    const work = oracle.answer(next.request).then((reply) => {
      this.busy.delete(work);
      next.resolve(reply);
      this.ready(oracle);
    });
    this.busy.add(work);
  }

  /** Answers `request` through the next idle Oracle, waiting for one if all are busy. */
  handle(request: OracleRequest): Promise<OracleReply> {
    if (this.stopped) return Promise.resolve({ verb: 'ERROR', data: 'the database task is stopping' });
    return new Promise<OracleReply>((resolve) => {
      this.waiting.push({ request, resolve });
      const oracle = this.idle.shift();
      if (oracle !== undefined) this.ready(oracle);
    });
  }

  /** Requests waiting for an Oracle. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Idle Oracles. */
  get available(): number {
    return this.idle.length;
  }

  /** Refuses new requests, answers those still waiting with ERROR, and waits for those being answered. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.waiting.drain()) w.resolve({ verb: 'ERROR', data: 'the database task is stopping' });
    await Promise.all([...this.busy]);
  }
}
