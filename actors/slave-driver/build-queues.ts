/**
 * The Slave Driver's build queues (spec/behaviours.md A.1, A.2; behaviours 44–46, 60–64): one list per build
 * ABI, oldest release first, replaced wholesale by each QUEUE from the Architect and handed out from the
 * front to slaves of that ABI only.
 *
 * Two kinds of exclusion keep a fresh QUEUE from undoing what the Slave Driver already knows:
 *  - in flight: a dispatched (pkg, ver) is held for its ABI until now + the slave's build timeout, so a
 *    refresh that still lists it does not hand it out twice (45, 46). When the slave goes away mid-build
 *    (BYE, expiry) its hold is released and the job goes back to the head of its queue, so another slave
 *    builds it next instead of waiting for the hold to run out.
 *  - deleted: a version or a whole package removed upstream is kept out of every queue for an hour (62–64).
 * Expired exclusions are ignored at once and pruned at each refresh (60).
 *
 * The lists share the QUEUE message's [pkg, ver] pairs and never modify them (bus messages are read-only).
 */
export type Job = readonly [pkg: string, ver: string];

/** 0.18 keeps deleted versions and packages out of the queues for an hour. */
export const DELETION_HOLD_MS = 60 * 60 * 1000;

interface AbiQueue {
  /** Jobs; those before `head` have been handed out (or dropped as excluded). */
  items: (Job | undefined)[];
  head: number;
}

interface Hold {
  until: number;
  slaveId: number;
}

/**
 * Values by (pkg, ver), nested so that a lookup builds no key string: a refresh checks every one of up to
 * 100,000 entries per ABI, nearly all of them for packages with nothing excluded.
 */
class PairMap<V> {
  readonly #byPackage = new Map<string, Map<string, V>>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(pkg: string, ver: string): V | undefined {
    return this.#byPackage.get(pkg)?.get(ver);
  }

  set(pkg: string, ver: string, value: V): void {
    let versions = this.#byPackage.get(pkg);
    if (versions === undefined) this.#byPackage.set(pkg, (versions = new Map()));
    if (!versions.has(ver)) this.#size++;
    versions.set(ver, value);
  }

  delete(pkg: string, ver: string): void {
    const versions = this.#byPackage.get(pkg);
    if (versions?.delete(ver) !== true) return;
    this.#size--;
    if (versions.size === 0) this.#byPackage.delete(pkg);
  }

  /** Removes every entry for which `expired` holds. */
  prune(expired: (value: V) => boolean): void {
    for (const [pkg, versions] of this.#byPackage) {
      for (const [ver, value] of versions) if (expired(value)) this.delete(pkg, ver);
    }
  }
}

export class BuildQueues {
  readonly #queues = new Map<string, AbiQueue>();
  /** abi → (pkg, ver) → hold. */
  readonly #inFlight = new Map<string, PairMap<Hold>>();
  /** (pkg, ver) → until. */
  readonly #deletedVersions = new PairMap<number>();
  /** pkg → until. */
  readonly #deletedPackages = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The ABIs that have a queue. */
  abis(): string[] {
    return [...this.#queues.keys()];
  }

  /** Behaviour 47/60: what is left for each ABI (the STATBQ data). */
  lengths(): Record<string, number> {
    // No prototype: an ABI is a name from the database, never an object property.
    const out: Record<string, number> = Object.create(null);
    for (const [abi, q] of this.#queues) out[abi] = q.items.length - q.head;
    return out;
  }

  /** The jobs still queued for `abi`, in order (a copy). */
  pending(abi: string): Job[] {
    const q = this.#queues.get(abi);
    return q === undefined ? [] : (q.items.slice(q.head) as Job[]);
  }

  /**
   * Behaviour 60: every ABI in `abis` gets the lists of `queue` (or an empty one) minus what is excluded;
   * queues of ABIs no longer listed go.
   */
  replace(abis: Iterable<string>, queue: Readonly<Record<string, readonly Job[]>>): void {
    const now = this.now();
    this.#prune(now);
    this.#queues.clear();
    for (const abi of abis) {
      const jobs = Object.hasOwn(queue, abi) ? queue[abi]! : [];
      // Usually nothing is excluded but a few builds in flight: then the check is cheap per entry.
      const holds = this.#inFlight.get(abi);
      const items =
        holds === undefined && this.#deletedVersions.size === 0 && this.#deletedPackages.size === 0
          ? jobs.slice()
          : jobs.filter(([pkg, ver]) => !this.#excluded(abi, pkg, ver, now));
      this.#queues.set(abi, { items, head: 0 });
    }
  }

  /**
   * Behaviours 44–46: the first job of `abi`'s queue that is not excluded, now held for `slaveId` until
   * now + `holdMs`; null when there is none (or no queue for that ABI).
   */
  pop(abi: string, slaveId: number, holdMs: number): Job | null {
    const q = this.#queues.get(abi);
    if (q === undefined) return null;
    const now = this.now();
    while (q.head < q.items.length) {
      const job = q.items[q.head]!;
      q.items[q.head++] = undefined;
      const [pkg, ver] = job;
      if (this.#excluded(abi, pkg, ver, now)) continue;
      let holds = this.#inFlight.get(abi);
      if (holds === undefined) this.#inFlight.set(abi, (holds = new PairMap()));
      holds.set(pkg, ver, { until: now + holdMs, slaveId });
      if (q.head === q.items.length) q.items = [];
      if (q.items.length === 0) q.head = 0;
      return job;
    }
    q.items = [];
    q.head = 0;
    return null;
  }

  /**
   * The slave holding `job` went away before finishing it: drop its hold and put the job back at the
   * head of its ABI's queue (unless it was deleted meanwhile, or someone else holds it now).
   */
  release(abi: string, job: Job, slaveId: number): boolean {
    const [pkg, ver] = job;
    const holds = this.#inFlight.get(abi);
    if (holds?.get(pkg, ver)?.slaveId !== slaveId) return false;
    holds.delete(pkg, ver);
    const q = this.#queues.get(abi);
    if (q === undefined || this.#excluded(abi, pkg, ver, this.now())) return false;
    if (q.head > 0) q.items[--q.head] = job;
    else q.items.unshift(job);
    return true;
  }

  /**
   * Behaviours 62–64: (pkg, ver) — or every version of pkg when `ver` is null — is excluded for an hour
   * and stripped from every queue; every ABI in `abis` gets a queue if it has none yet.
   */
  delete(pkg: string, ver: string | null, abis: Iterable<string>): void {
    const until = this.now() + DELETION_HOLD_MS;
    if (ver === null) this.#deletedPackages.set(pkg, until);
    else this.#deletedVersions.set(pkg, ver, until);
    for (const abi of abis) if (!this.#queues.has(abi)) this.#queues.set(abi, { items: [], head: 0 });
    for (const q of this.#queues.values()) {
      const kept = (q.items.slice(q.head) as Job[]).filter(([p, v]) => !(p === pkg && (ver === null || v === ver)));
      q.items = kept;
      q.head = 0;
    }
  }

  /** Whether (pkg, ver) is held in flight for `abi` right now. */
  inFlight(abi: string, pkg: string, ver: string): boolean {
    return (this.#inFlight.get(abi)?.get(pkg, ver)?.until ?? -Infinity) > this.now();
  }

  #excluded(abi: string, pkg: string, ver: string, now: number): boolean {
    return (
      (this.#deletedPackages.get(pkg) ?? -Infinity) > now ||
      (this.#inFlight.get(abi)?.get(pkg, ver)?.until ?? -Infinity) > now ||
      (this.#deletedVersions.get(pkg, ver) ?? -Infinity) > now
    );
  }

  #prune(now: number): void {
    for (const [abi, holds] of this.#inFlight) {
      holds.prune((hold) => hold.until <= now);
      if (holds.size === 0) this.#inFlight.delete(abi);
    }
    this.#deletedVersions.prune((until) => until <= now);
    for (const [pkg, until] of this.#deletedPackages) if (until <= now) this.#deletedPackages.delete(pkg);
  }
}
