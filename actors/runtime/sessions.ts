/**
 * The one registry of peer sessions, used by the Slave Driver (one session per slave connection), the File
 * Juggler (one transfer per slave id, found by its client's connection too) and Mr Chase (one session per
 * tool connection). It keeps each session by its peer's key, spawns it as a child of the task's session
 * host (session-host.ts), so it is part of the supervised tree, and forgets it when it ends:
 *
 *   spawn(key, logic, input, data)   a new session for `key` (one still there is stopped first)
 *   get(key) / find(alias)           by key, or by a second name given with alias() (a slave id, the
 *                                    connection a transfer's frames come from)
 *   stop(key) / stopAll()            stops and forgets; `onEnd` is not told
 *   list() / size                    the live sessions, oldest first
 *
 * A session that ends on its own (final state, error, or stopped with its task) is forgotten, then
 * `onEnd` is told how it ended. Each session's actor id is `<name>:<key>`.
 */
import type { ActorRefFrom, AnyActorLogic, AnyActorRef, InputFrom } from 'xstate';
import type { ChildSpawner } from './session-host.js';

export interface Session<L extends AnyActorLogic, D> {
  readonly key: string;
  readonly ref: ActorRefFrom<L>;
  /** What the owner keeps beside the actor. */
  readonly data: D;
}

export type SessionEnd = { status: 'done'; output: unknown } | { status: 'error'; error: unknown } | { status: 'stopped' };

export interface SessionRegistryOptions<L extends AnyActorLogic, D> {
  /** The first part of each session's actor id (`slave`, `transfer`, `client`). */
  name: string;
  spawner: ChildSpawner;
  onEnd?: (session: Session<L, D>, end: SessionEnd) => void;
}

interface Entry<L extends AnyActorLogic, D> extends Session<L, D> {
  aliases: string[];
}

export class SessionRegistry<L extends AnyActorLogic, D = undefined> {
  readonly #opts: SessionRegistryOptions<L, D>;
  readonly #byKey = new Map<string, Entry<L, D>>();
  readonly #byAlias = new Map<string, Entry<L, D>>();

  constructor(opts: SessionRegistryOptions<L, D>) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#byKey.size;
  }

  spawn(key: string, logic: L, input: InputFrom<L>, data: D): Session<L, D> {
    this.stop(key);
    const ref = this.#opts.spawner.spawn(logic, { id: `${this.#opts.name}:${key}`, input });
    const entry: Entry<L, D> = { key, ref, data, aliases: [] };
    this.#byKey.set(key, entry);
    const actor = ref as AnyActorRef;
    actor.subscribe({
      complete: () => {
        const snapshot = actor.getSnapshot() as { status: string; output?: unknown };
        this.#ended(entry, snapshot.status === 'done' ? { status: 'done', output: snapshot.output } : { status: 'stopped' });
      },
      error: (error: unknown) => this.#ended(entry, { status: 'error', error }),
    });
    return entry;
  }

  get(key: string): Session<L, D> | undefined {
    return this.#byKey.get(key);
  }

  /** Gives the session of `key` a second name (dropped with the session). */
  alias(key: string, alias: string): void {
    const entry = this.#byKey.get(key);
    if (entry === undefined) return;
    entry.aliases.push(alias);
    this.#byAlias.set(alias, entry);
  }

  find(alias: string): Session<L, D> | undefined {
    return this.#byAlias.get(alias);
  }

  list(): Session<L, D>[] {
    return [...this.#byKey.values()];
  }

  /** Stops the session of `key`, if any; true when there was one. */
  stop(key: string): boolean {
    const entry = this.#byKey.get(key);
    if (entry === undefined) return false;
    this.#forget(entry);
    this.#opts.spawner.stop((entry.ref as AnyActorRef).id);
    return true;
  }

  /** Stops every session; returns them (their owner may have things to release). */
  stopAll(): Session<L, D>[] {
    const all = this.list();
    for (const entry of all) this.stop(entry.key);
    return all;
  }

  #ended(entry: Entry<L, D>, end: SessionEnd): void {
    if (this.#byKey.get(entry.key) !== entry) return; // stopped by its owner, or replaced
    this.#forget(entry);
    this.#opts.onEnd?.(entry, end);
  }

  #forget(entry: Entry<L, D>): void {
    this.#byKey.delete(entry.key);
    for (const alias of entry.aliases) if (this.#byAlias.get(alias) === entry) this.#byAlias.delete(alias);
  }
}
