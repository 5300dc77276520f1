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
  /** Asked for by piw-rebuild: due at once, ahead of the buffered entries. */
  readonly now?: true;
}

/** One row of `SAVERWP` / `LOADRWP`: `[package, added_at, command]`. */
export type RewriteRow = OracleResult<'LOADRWP'>[number];

interface Slot {
  readonly seq: number;
  readonly command: RewriteCommand;
  readonly addedAt: number;
  readonly now: boolean;
}

/** A FIFO of packages by sequence number (a purged entry leaves a gap that `head` skips). */
interface Lane {
  readonly bySeq: PersistentMap<number, string>;
  readonly head: number; // no live entry has a smaller seq
}

const rewrite = (pkg: string, slot: Slot): Rewrite =>
  slot.now ? { package: pkg, command: slot.command, addedAt: slot.addedAt, now: true } : { package: pkg, command: slot.command, addedAt: slot.addedAt };

const emptyLane: Lane = { bySeq: PersistentMap.empty(), head: 0 };

/**
 * Two lanes: entries piw-rebuild asked for (`now`), due at once and taken first, and the buffered ones,
 * due once older than the delay. A package is in one lane at most; sequence numbers are shared.
 */
export class RewriteQueue {
  private constructor(
    private readonly byPackage: PersistentMap<string, Slot>,
    private readonly buffered: Lane,
    private readonly urgent: Lane,
    private readonly nextSeq: number,
  ) {}

  static readonly empty = new RewriteQueue(PersistentMap.empty(), emptyLane, emptyLane, 0);

  /** Restores a saved buffer; rows are taken in the order given (`LOADRWP` orders them by added_at). */
  static fromRows(rows: readonly RewriteRow[]): RewriteQueue {
    return rows.reduce((q, [pkg, addedAt, command]) => q.add(pkg, command, addedAt.getTime()), RewriteQueue.empty);
  }

  get size(): number {
    return this.byPackage.size;
  }

  get(pkg: string): Rewrite | undefined {
    const slot = this.byPackage.get(pkg);
    return slot && rewrite(pkg, slot);
  }

  /**
   * Buffers a rewrite (behaviour 133): a new package goes to the back; a buffered one keeps its place and
   * timestamp, and `BOTH` upgrades a `PROJECT` while `PROJECT` never downgrades a `BOTH`. With `now`
   * (piw-rebuild) the entry is due at once: a new one goes to the back of the urgent lane, and a buffered
   * one moves there, keeping its timestamp.
   */
  add(pkg: string, command: RewriteCommand, at: number, now = false): RewriteQueue {
    const slot = this.byPackage.get(pkg);
    if (slot) {
      const upgraded = slot.command === 'BOTH' || command === 'PROJECT' ? slot.command : 'BOTH';
      if (now && !slot.now) {
        const q = this.purge(pkg);
        return q.append(pkg, { seq: q.nextSeq, command: upgraded, addedAt: slot.addedAt, now: true });
      }
      if (upgraded === slot.command) return this;
      return new RewriteQueue(this.byPackage.set(pkg, { ...slot, command: upgraded }), this.buffered, this.urgent, this.nextSeq);
    }
    return this.append(pkg, { seq: this.nextSeq, command, addedAt: at, now });
  }

  /** Drops the package's entry, if any (behaviour 135). */
  purge(pkg: string): RewriteQueue {
    const slot = this.byPackage.get(pkg);
    if (!slot) return this;
    const lane = slot.now ? this.urgent : this.buffered;
    const left = { ...lane, bySeq: lane.bySeq.delete(slot.seq) };
    return new RewriteQueue(this.byPackage.delete(pkg), slot.now ? this.buffered : left, slot.now ? left : this.urgent, this.nextSeq);
  }

  /**
   * Takes up to `max` due entries, oldest first (behaviour 134): first those piw-rebuild asked for, then
   * buffered ones whose age at `now` is strictly greater than `delayMs`, stopping at the first not yet due.
   */
  takeDue(now: number, delayMs: number, max = Infinity): [Rewrite[], RewriteQueue] {
    const due: Rewrite[] = [];
    let byPackage = this.byPackage;
    const take = (lane: Lane, isDue: (slot: Slot) => boolean): Lane => {
      let { bySeq, head } = lane;
      while (head < this.nextSeq && due.length < max) {
        const pkg = bySeq.get(head);
        if (pkg === undefined) {
          head++; // a purged entry (or one of the other lane) leaves a gap
          continue;
        }
        const slot = byPackage.get(pkg)!;
        if (!isDue(slot)) break;
        due.push(rewrite(pkg, slot));
        byPackage = byPackage.delete(pkg);
        bySeq = bySeq.delete(head);
        head++;
      }
      return head === lane.head ? lane : { bySeq, head };
    };
    const urgent = take(this.urgent, () => true);
    const buffered = take(this.buffered, (slot) => now - slot.addedAt > delayMs);
    if (urgent === this.urgent && buffered === this.buffered) return [due, this];
    return [due, new RewriteQueue(byPackage, buffered, urgent, this.nextSeq)];
  }

  /** Every entry, those due at once first, each lane front to back. */
  entries(): Rewrite[] {
    const out: Rewrite[] = [];
    for (const lane of [this.urgent, this.buffered]) {
      for (let seq = lane.head; seq < this.nextSeq && out.length < this.size; seq++) {
        const pkg = lane.bySeq.get(seq);
        if (pkg !== undefined) out.push(this.get(pkg)!);
      }
    }
    return out;
  }

  /**
   * The buffer as `SAVERWP` rows, front to back. Entries piw-rebuild asked for are saved like buffered ones,
   * with the time they were asked for: after a restart they are due once older than the delay.
   */
  toRows(): RewriteRow[] {
    return this.entries().map((e) => [e.package, new Date(e.addedAt), e.command]);
  }

  private append(pkg: string, slot: Slot): RewriteQueue {
    const lane = slot.now ? this.urgent : this.buffered;
    const grown = { ...lane, bySeq: lane.bySeq.set(slot.seq, pkg) };
    return new RewriteQueue(this.byPackage.set(pkg, slot), slot.now ? this.buffered : grown, slot.now ? grown : this.urgent, slot.seq + 1);
  }
}
