/**
 * What a socket's peers get wrong, logged without letting them fill the log or slow the master: the first
 * few faults of each window are logged as they come (their messages are already bounded: protocols/clip.ts),
 * the rest only counted, and when the window ends one line per offending peer says how many there were and
 * of which kinds, e.g.
 *
 *   1,234 more faults from peer 00e5a1b2 in the last 10 s (unable to deserialize data ×1,000, unknown message ×234)
 *
 * A peer with more than `shedAfter` faults in the current window is `shedding`: its socket's adapter drops
 * its messages unread (no decoding, no validation, no log line) until the window ends. An honest REQ peer
 * can never get there: it waits for a reply to each request, and a faulty request gets none.
 */
import type { Logger } from '../runtime/logger.js';

export interface FaultLogOptions {
  /** Where lines go, at error level. */
  log: Logger;
  /** What the socket is, for the summary lines: 'slave queue', 'file queue', … */
  socket: string;
  /** The window (default 10 s). */
  windowMs?: number;
  /** Faults logged one by one per window, all peers together (default 10). */
  firstPerWindow?: number;
  /** Faults of one peer in a window after which its messages are dropped unread (default 10). */
  shedAfter?: number;
  /** Peers tracked per window; faults of any more are counted together (default 1,000). */
  maxPeers?: number;
}

interface PeerFaults {
  count: number;
  /** Faults neither logged nor shed: what the summary reports. */
  unlogged: number;
  /** Messages dropped unread. */
  shed: number;
  kinds: Map<string, number>;
}

const OTHERS = '(other peers)';

/** The kind of a fault for the summary: its message up to the first colon or parenthesis. */
function kindOf(message: string): string {
  const cut = message.search(/[:(]/);
  return (cut < 0 ? message : message.slice(0, cut)).trim().slice(0, 48);
}

const n = (x: number) => x.toLocaleString('en');

export class FaultLog {
  readonly #opts: Required<Omit<FaultLogOptions, 'log' | 'socket'>>;
  readonly #log: Logger;
  readonly #socket: string;
  #peers = new Map<string, PeerFaults>();
  #logged = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Every fault since the start, for figures. */
  total = 0;

  constructor(opts: FaultLogOptions) {
    this.#log = opts.log;
    this.#socket = opts.socket;
    this.#opts = {
      windowMs: opts.windowMs ?? 10_000,
      firstPerWindow: opts.firstPerWindow ?? 10,
      shedAfter: opts.shedAfter ?? 10,
      maxPeers: opts.maxPeers ?? 1000,
    };
  }

  /**
   * A fault of `peer` (undefined where the socket cannot tell peers apart): `line` is logged as it is, or
   * counted under its kind (the text before its first colon or parenthesis).
   */
  fault(peer: string | undefined, line: string): void {
    this.total++;
    const faults = this.#faultsOf(peer);
    faults.count++;
    if (this.#logged < this.#opts.firstPerWindow) {
      this.#logged++;
      this.#log.error(line);
    } else {
      const kind = kindOf(line);
      faults.unlogged++;
      faults.kinds.set(kind, (faults.kinds.get(kind) ?? 0) + 1);
    }
  }

  /** Whether `peer`'s messages are to be dropped unread; counts the drop when they are. */
  shedding(peer: string): boolean {
    const faults = this.#peers.get(peer);
    if (faults === undefined || faults.count <= this.#opts.shedAfter) return false;
    faults.shed++;
    return true;
  }

  #faultsOf(peer: string | undefined): PeerFaults {
    let key = peer ?? '';
    let faults = this.#peers.get(key);
    if (faults === undefined) {
      if (this.#peers.size >= this.#opts.maxPeers) key = OTHERS;
      faults = this.#peers.get(key);
      if (faults === undefined) {
        faults = { count: 0, unlogged: 0, shed: 0, kinds: new Map() };
        this.#peers.set(key, faults);
      }
    }
    this.#timer ??= setTimeout(() => this.flush(), this.#opts.windowMs).unref();
    return faults;
  }

  /** Ends the window: one summary line per peer whose faults were not all logged. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const seconds = Math.round(this.#opts.windowMs / 1000);
    for (const [peer, f] of this.#peers) {
      if (f.unlogged === 0 && f.shed === 0) continue;
      const kinds = [...f.kinds].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, c]) => `${k} ×${n(c)}`);
      if (f.shed) kinds.push(`dropped unread ×${n(f.shed)}`);
      const who = peer === '' ? '' : peer === OTHERS ? ' from other peers' : ` from peer ${peer}`;
      this.#log.error(`${n(f.unlogged + f.shed)} more faults${who} on the ${this.#socket} in the last ${seconds} s (${kinds.join(', ')})`);
    }
    this.#peers = new Map();
    this.#logged = 0;
  }

  close(): void {
    this.flush();
  }
}
