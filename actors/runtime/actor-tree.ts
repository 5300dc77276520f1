/**
 * Every live actor under a root (the master's supervisor, or any actor), found by walking the children of
 * each machine snapshot: the tasks, what each invokes, their session hosts and the peer sessions under
 * them. Depth first, parents before their children, children in spawn order.
 */
import type { AnyActorRef } from 'xstate';

export interface LiveActor {
  /** The id under its parent (the root's own id for the root). */
  id: string;
  /** Unique in the system (xstate's session id, e.g. `x:12`). */
  sessionId: string;
  /** The name the actor is registered under in the system (`system.get`), if any: the tasks have one. */
  systemId: string | undefined;
  /** The parent's session id; undefined for the root. */
  parent: string | undefined;
  /** The ids below the root down to this actor, e.g. `['slave_driver', 'sessions', 'slave:00a1b2c3d4']` (empty for the root). */
  path: string[];
  ref: AnyActorRef;
}

export function liveActors(root: AnyActorRef): LiveActor[] {
  const found: LiveActor[] = [];
  const visit = (ref: AnyActorRef, parent: LiveActor | undefined) => {
    const snapshot = ref.getSnapshot() as { status?: string; children?: Record<string, AnyActorRef | undefined> } | undefined;
    if (snapshot?.status !== 'active') return;
    const actor: LiveActor = {
      id: ref.id,
      sessionId: ref.sessionId,
      systemId: (ref as { systemId?: string }).systemId,
      parent: parent?.sessionId,
      path: parent === undefined ? [] : [...parent.path, ref.id],
      ref,
    };
    found.push(actor);
    for (const child of Object.values(snapshot.children ?? {})) if (child !== undefined) visit(child, actor);
  };
  visit(root, undefined);
  return found;
}
