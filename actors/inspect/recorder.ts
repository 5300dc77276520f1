/**
 * The live view's memory: every live actor of the root's system, learnt from xstate's inspection events
 * (`createActor(root, { inspect: recorder.observe })`):
 *
 *   @xstate.actor     an actor was made: a record, under its parent
 *   @xstate.event     an event reached an actor: one line in its ring of the last `eventsPerActor`
 *   @xstate.snapshot  its snapshot changed: kept by reference (the actor holds it anyway); an actor
 *                     whose snapshot is no longer active (done, error, stopped) is forgotten
 *
 * Nothing is formatted as it happens: the cost per event is a map lookup, a slot in a ring and a mark
 * in the `changed` set. An event is kept by reference and put in words (summary.ts) only when a page
 * asks for that actor, except one that carries binary data (a chunk of a wheel), which is put in words
 * at once so that no ring holds on to megabytes. Memory is bounded: at most `maxActors` records (more
 * are counted, not kept) and `eventsPerActor` events each.
 */
import type { AnyActor, AnyActorLogic, AnyActorRef, EventObject, InspectionEvent } from 'xstate';
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

/** An event as heard: put in words (`data`) when first read, or at once when it carries binary data. */
interface HeardEvent {
  at: number;
  type: string;
  from: string | undefined;
  event: EventObject | undefined;
  data: string | undefined;
}

interface ActorRecord {
  key: string;
  ref: AnyActor;
  parent: string | undefined;
  snapshot: unknown;
  ring: (HeardEvent | undefined)[];
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

const isBinary = (value: unknown) => ArrayBuffer.isView(value) || value instanceof ArrayBuffer;

/**
 * True when the event holds binary data in its fields, or in the first few items of a field that is an
 * array or an object (a chunk, a file's frames); a look that costs the same whatever the event's size.
 */
function carriesBinary(event: EventObject): boolean {
  for (const key in event) {
    const value = (event as unknown as Record<string, unknown>)[key];
    if (value === null || typeof value !== 'object') continue;
    if (isBinary(value)) return true;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && i < 8; i++) if (isBinary(value[i])) return true;
      continue;
    }
    let looked = 0;
    for (const inner in value) {
      if (isBinary((value as Record<string, unknown>)[inner])) return true;
      if (++looked === 8) break;
    }
  }
  return false;
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
        const from = event.sourceRef as AnyActor | undefined;
        const binary = carriesBinary(event.event);
        record.ring[record.next] = {
          at: this.#now(),
          type: event.event.type,
          from: from !== undefined && from !== event.actorRef ? nameOf(from) : undefined,
          event: binary ? undefined : event.event,
          data: binary ? summarize(event.event, this.#eventBudget) : undefined,
        };
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
    for (let i = n; i > 0; i--) {
      const heard = record.ring[(record.next - i + this.#eventsPerActor) % this.#eventsPerActor]!;
      if (heard.data === undefined) {
        heard.data = summarize(heard.event, this.#eventBudget);
        heard.event = undefined;
      }
      const line: EventLine = { at: heard.at, type: heard.type, data: heard.data };
      if (heard.from !== undefined) line.from = heard.from;
      lastEvents.push(line);
    }
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
