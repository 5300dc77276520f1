/**
 * The Secretary's buffer of pending page rewrites (web-templates/README.md §4) as an immutable value: a FIFO of
 * (package, added_at, command) with at most one entry per package. Times are epoch milliseconds.
 */
import type { OracleResult } from '../../protocols/oracle.js';
import { PersistentMap } from './persistent-map.js';

export type RewriteCommand = 'PROJECT' | 'BOTH';

export interface Rewrite {
  readonly package: string;
  readonly command: RewriteCommand;
  readonly addedAt: number;
}

/** One row of `SAVERWP` / `LOADRWP`: `[package, added_at, command]`. */
export type RewriteRow = OracleResult<'LOADRWP'>[number];

interface Slot {
  readonly seq: number;
  readonly command: RewriteCommand;
  readonly addedAt: number;
}

export class RewriteQueue {
  private constructor(
    private readonly byPackage: PersistentMap<string, Slot>,
    private readonly bySeq: PersistentMap<number, string>,
    private readonly head: number, // no live entry has a smaller seq
    private readonly nextSeq: number,
  ) {}

  static readonly empty = new RewriteQueue(PersistentMap.empty(), PersistentMap.empty(), 0, 0);

  /** Restores a saved buffer; rows are taken in the order given (`LOADRWP` orders them by added_at). */
  static fromRows(rows: readonly RewriteRow[]): RewriteQueue {
    return rows.reduce((q, [pkg, addedAt, command]) => q.add(pkg, command, addedAt.getTime()), RewriteQueue.empty);
  }

  get size(): number {
    return this.byPackage.size;
  }

  get(pkg: string): Rewrite | undefined {
    const slot = this.byPackage.get(pkg);
    return slot && { package: pkg, command: slot.command, addedAt: slot.addedAt };
  }

  /**
   * Buffers a rewrite (behaviour 133): a new package goes to the back; a buffered one keeps its place and
   * timestamp, and `BOTH` upgrades a `PROJECT` while `PROJECT` never downgrades a `BOTH`.
   */
  add(pkg: string, command: RewriteCommand, at: number): RewriteQueue {
    const slot = this.byPackage.get(pkg);
    if (slot) {
      if (slot.command === 'BOTH' || command === 'PROJECT') return this;
      return this.with(this.byPackage.set(pkg, { ...slot, command: 'BOTH' }), this.bySeq, this.head, this.nextSeq);
    }
    return this.with(
      this.byPackage.set(pkg, { seq: this.nextSeq, command, addedAt: at }),
      this.bySeq.set(this.nextSeq, pkg),
      this.head,
      this.nextSeq + 1,
    );
  }

  /** Drops the package's entry, if any (behaviour 135). */
  purge(pkg: string): RewriteQueue {
    const slot = this.byPackage.get(pkg);
    if (!slot) return this;
    return this.with(this.byPackage.delete(pkg), this.bySeq.delete(slot.seq), this.head, this.nextSeq);
  }

  /**
   * Takes up to `max` entries from the front whose age at `now` is strictly greater than `delayMs`,
   * oldest first (behaviour 134); stops at the first entry not yet due.
   */
  takeDue(now: number, delayMs: number, max = Infinity): [Rewrite[], RewriteQueue] {
    const due: Rewrite[] = [];
    let byPackage = this.byPackage;
    let bySeq = this.bySeq;
    let head = this.head;
    while (head < this.nextSeq && due.length < max) {
      const pkg = bySeq.get(head);
      if (pkg === undefined) {
        head++; // a purged entry leaves a gap
        continue;
      }
      const slot = byPackage.get(pkg)!;
      if (!(now - slot.addedAt > delayMs)) break;
      due.push({ package: pkg, command: slot.command, addedAt: slot.addedAt });
      byPackage = byPackage.delete(pkg);
      bySeq = bySeq.delete(head);
      head++;
    }
    return due.length === 0 && head === this.head ? [due, this] : [due, this.with(byPackage, bySeq, head, this.nextSeq)];
  }

  /** Every entry, front to back. */
  entries(): Rewrite[] {
    const out: Rewrite[] = [];
    for (let seq = this.head; seq < this.nextSeq && out.length < this.size; seq++) {
      const pkg = this.bySeq.get(seq);
      if (pkg !== undefined) out.push(this.get(pkg)!);
    }
    return out;
  }

  /** The buffer as `SAVERWP` rows, front to back. */
  toRows(): RewriteRow[] {
    return this.entries().map((e) => [e.package, new Date(e.addedAt), e.command]);
  }

  private with(byPackage: PersistentMap<string, Slot>, bySeq: PersistentMap<number, string>, head: number, nextSeq: number) {
    return new RewriteQueue(byPackage, bySeq, head, nextSeq);
  }
}
