/**
 * The live view's memory: every live actor of the root's system, learnt from xstate's inspection events
 * (`createActor(root, { inspect: recorder.observe })`):
 *
 *   @xstate.actor     an actor was made: a record, under its parent
 *   @xstate.event     an event reached an actor: one line in its ring of the last `eventsPerActor`
 *   @xstate.snapshot  its snapshot changed: kept by reference (the actor holds it anyway); an actor
 *                     whose snapshot is no longer active (done, error, stopped) is forgotten
 *
 * Nothing is formatted here but each event's one-line glimpse, so the cost per event is a map lookup,
 * a bounded summary and a mark in the `changed` set; the server formats the changed actors at most a
 * few times a second. Memory is bounded: at most `maxActors` records (more are counted, not kept) and
 * `eventsPerActor` lines each.
 */
import type { AnyActor, AnyActorLogic, AnyActorRef, InspectionEvent } from 'xstate';
import { activeStateIds, isMachine, type ChartIndex } from './charts.js';
import { formatStateValue, summarize } from './summary.js';

export interface EventLine {
  /** Milliseconds since the epoch. */
  at: number;
  type: string;
  /** The sender's id, when another actor sent it. */
  from?: string;
  /** The event's fields, in one bounded line. */
  data: string;
}

/** One actor as the page's tree shows it. */
export interface ActorRow {
  key: string;
  id: string;
  systemId?: string;
  /** The parent's key; absent for the root. */
  parent?: string;
  /** The catalogue's chart name, when its logic is a machine in the catalogue. */
  chart?: string;
  /** True when its logic is a state machine (the page can outline it). */
  machine: boolean;
  status: string;
  /** Its state value (machines), else its status. */
  state: string;
  events: number;
}

/** One actor in full: the row, its active state nodes and its last events (newest last). */
export interface ActorDetail extends ActorRow {
  active: string[];
  lastEvents: EventLine[];
}

interface ActorRecord {
  key: string;
  ref: AnyActor;
  parent: string | undefined;
  snapshot: unknown;
  ring: (EventLine | undefined)[];
  /** Index of the next slot of `ring`; `count` how many were ever written. */
  next: number;
  count: number;
}

export interface RecorderOptions {
  charts: ChartIndex;
  maxActors?: number;
  eventsPerActor?: number;
  /** Characters of an event's glimpse. */
  eventBudget?: number;
  now?: () => number;
}

/** An actor's id; one made without an id (the root) goes by its machine's. */
function nameOf(ref: AnyActor): string {
  const logic = ref.logic as AnyActorLogic | undefined;
  return ref.id === ref.sessionId && isMachine(logic) ? logic.id : ref.id;
}

export class Recorder {
  readonly #actors = new Map<string, ActorRecord>();
  readonly #charts: ChartIndex;
  readonly #maxActors: number;
  readonly #eventsPerActor: number;
  readonly #eventBudget: number;
  readonly #now: () => number;
  /** Keys changed (or removed) since the last `takeChanges()`, while a page watches. */
  #changed = new Set<string>();
  #watched = false;
  /** Actors not kept because `maxActors` were live. */
  #untracked = 0;

  constructor(opts: RecorderOptions) {
    this.#charts = opts.charts;
    this.#maxActors = opts.maxActors ?? 5000;
    this.#eventsPerActor = opts.eventsPerActor ?? 20;
    this.#eventBudget = opts.eventBudget ?? 200;
    this.#now = opts.now ?? Date.now;
  }

  /** The inspection observer; bound, so it can be handed to `createActor` as is. */
  readonly observe = (event: InspectionEvent): void => {
    switch (event.type) {
      case '@xstate.actor':
        return this.#born(event.actorRef as AnyActor);
      case '@xstate.event': {
        const record = this.#actors.get((event.actorRef as AnyActorRef).sessionId);
        if (record === undefined) return;
        const line: EventLine = { at: this.#now(), type: event.event.type, data: summarize(event.event, this.#eventBudget) };
        const from = event.sourceRef as AnyActor | undefined;
        if (from !== undefined && from !== event.actorRef) line.from = nameOf(from);
        record.ring[record.next] = line;
        record.next = (record.next + 1) % this.#eventsPerActor;
        record.count++;
        if (this.#watched) this.#changed.add(record.key);
        return;
      }
      case '@xstate.snapshot': {
        const key = (event.actorRef as AnyActorRef).sessionId;
        const record = this.#actors.get(key);
        if (record === undefined) return;
        if ((event.snapshot as { status?: string }).status !== 'active') return this.#forget(key);
        record.snapshot = event.snapshot;
        if (this.#watched) this.#changed.add(key);
        return;
      }
    }
  };

  #born(ref: AnyActor): void {
    if (this.#actors.size >= this.#maxActors) {
      this.#untracked++;
      return;
    }
    const key = ref.sessionId;
    const parent = ref._parent?.sessionId;
    this.#actors.set(key, { key, ref, parent, snapshot: undefined, ring: new Array(this.#eventsPerActor), next: 0, count: 0 });
    if (this.#watched) this.#changed.add(key);
  }

  #forget(key: string): void {
    this.#actors.delete(key);
    if (this.#watched) this.#changed.add(key);
  }

  /**
   * Whether a page is watching: only then are changes collected for `takeChanges()`, so that with no page
   * open the set of changed keys cannot grow with every short-lived actor. A page that starts watching
   * reads every row first.
   */
  watch(on: boolean): void {
    this.#watched = on;
    this.#changed.clear();
  }

  /**
   * An actor stopped by its parent (`stopChild`) says so in a last snapshot; one stopped before it ever
   * started says nothing, so the records are also checked against the actors' own snapshots here.
   */
  #prune(): void {
    for (const [key, record] of this.#actors) {
      const status = (record.ref.getSnapshot() as { status?: string } | undefined)?.status;
      if (status !== undefined && status !== 'active') this.#forget(key);
    }
  }

  get size(): number {
    return this.#actors.size;
  }

  get untracked(): number {
    return this.#untracked;
  }

  /** Every live actor, parents before their children. */
  rows(): ActorRow[] {
    this.#prune();
    return [...this.#actors.values()].map((record) => this.#row(record));
  }

  /** The keys changed or gone since the last call: rows for those still live, keys of the rest. */
  takeChanges(): { changed: ActorRow[]; removed: string[] } {
    this.#prune();
    const keys = this.#changed;
    this.#changed = new Set();
    const changed: ActorRow[] = [];
    const removed: string[] = [];
    for (const key of keys) {
      const record = this.#actors.get(key);
      if (record === undefined) removed.push(key);
      else changed.push(this.#row(record));
    }
    return { changed, removed };
  }

  /** True when `key` changed since the last `takeChanges()` (checked before taking them). */
  hasChanged(key: string): boolean {
    return this.#changed.has(key);
  }

  detail(key: string): ActorDetail | undefined {
    const record = this.#actors.get(key);
    if (record === undefined) return undefined;
    const row = this.#row(record);
    const snapshot = this.#snapshotOf(record);
    const n = Math.min(record.count, this.#eventsPerActor);
    const lastEvents: EventLine[] = [];
    for (let i = n; i > 0; i--) lastEvents.push(record.ring[(record.next - i + this.#eventsPerActor) % this.#eventsPerActor]!);
    return { ...row, active: row.machine ? activeStateIds(snapshot as never) : [], lastEvents };
  }

  /** The logic of a live actor (for its chart). */
  logicOf(key: string): AnyActorLogic | undefined {
    return this.#actors.get(key)?.ref.logic as AnyActorLogic | undefined;
  }

  #snapshotOf(record: ActorRecord): unknown {
    // Before its first snapshot event (the actor is still starting) its own snapshot is the truth.
    return record.snapshot ?? record.ref.getSnapshot();
  }

  #row(record: ActorRecord): ActorRow {
    const { ref } = record;
    const logic = ref.logic as AnyActorLogic | undefined;
    const chart = this.#charts.chartOf(logic);
    const snapshot = this.#snapshotOf(record) as { status?: string; value?: unknown } | undefined;
    const status = snapshot?.status ?? 'unknown';
    const row: ActorRow = {
      key: record.key,
      id: nameOf(ref),
      machine: chart !== undefined,
      status,
      // A machine without states (a session host) has nothing to show but its status.
      state: (chart !== undefined && snapshot?.value !== undefined ? formatStateValue(snapshot.value) : '') || status,
      events: record.count,
    };
    if (ref.systemId !== undefined) row.systemId = ref.systemId;
    if (record.parent !== undefined) row.parent = record.parent;
    if (chart?.name !== undefined) row.chart = chart.name;
    return row;
  }
}
