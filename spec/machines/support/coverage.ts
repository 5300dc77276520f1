/**
 * Generated-path coverage for xstate v5 machines: proves that every state node and every transition of a
 * machine is reached, so a test fails the moment a state or a transition becomes dead or untested.
 *
 * How it works: @xstate/graph walks the machine's pure transition function breadth-first from the initial
 * snapshot, trying the events you list for each snapshot. Every macrostep runs against an actor scope whose
 * system records xstate's `@xstate.microstep` inspection events, which name the transition definitions
 * actually taken (guarded candidates, eventless `always`, delayed `after`, invoke `onDone`/`onError`).
 * Nothing is executed: actions are not run, invoked actors are created but never started, delays never
 * elapse. You drive those edges yourself by listing their events:
 *   - delays:  `delayedEvents(snapshot)` gives the `xstate.after.*` events of the active states;
 *   - actors:  `doneEvent(id, output)` / `errorEvent(id, error)` give `xstate.done.actor.ID` /
 *              `xstate.error.actor.ID` for an invoke with that `id`.
 *
 * `onTransition(from, event, to)` sees every step of the walk, for invariants over the whole reachable
 * space (see spec/machines/slave-session/paths.test.ts).
 *
 * Usage (in a jest test):
 *
 *   import { expectFullCoverage, delayedEvents, doneEvent } from './coverage.js';
 *
 *   test('generated paths reach every state and transition', () => {
 *     const report = expectFullCoverage(createMyMachine(), {
 *       input: { ... },
 *       events: (snapshot) => [
 *         { type: 'HELLO', data: ... },
 *         doneEvent('requestJob', null),
 *         ...delayedEvents(snapshot),
 *       ],
 *       // keep the explored space finite: say which parts of a snapshot make it a different state
 *       serializeState: (snapshot) => JSON.stringify([snapshot.value, snapshot.context.flags]),
 *     });
 *     // report.paths: the shortest event sequence to each distinct state, e.g. to replay on a live actor
 *   });
 *
 * The walk stops at snapshots that are no longer active (final), as a live actor would.
 * A state counts as reached when it is active in any microstep, so transient states left at once by an
 * `always` transition count too. Invoke ids must be explicit (`invoke: { id: 'requestJob', ... }`) for
 * `doneEvent`/`errorEvent` to name them. `expectFullCoverage` throws (failing the test) listing every
 * state node never entered and every transition never taken, written `#source --EVENT [guard]--> #target`. Use `exploreMachine` to get the
 * report without the assertion.
 */
import { createEmptyActor, getNextTransitions } from 'xstate';
import type {
  ActorLogic,
  AnyActorScope,
  AnyEventObject,
  AnyMachineSnapshot,
  AnyStateMachine,
  AnyStateNode,
  AnyTransitionDefinition,
  EventFromLogic,
  InputFrom,
  SnapshotFrom,
} from 'xstate';
import { getShortestPaths } from '@xstate/graph';

export interface CoverageOptions<TMachine extends AnyStateMachine> {
  /** The machine's input (what the owning actor would pass to createActor). */
  input: InputFrom<TMachine>;
  /**
   * The events to try from each snapshot: the machine's own events plus xstate's internal ones
   * (`delayedEvents`, `doneEvent`, `errorEvent`). Events the current state does not accept are harmless.
   * Events are told apart by JSON: two events that stringify alike (e.g. errors) count as one.
   */
  events: (snapshot: SnapshotFrom<TMachine>) => ReadonlyArray<EventFromLogic<TMachine> | XstateEvent>;
  /**
   * Identity of a snapshot for the walk: two snapshots with the same string are explored once. The default
   * is the state value, status and whole context; narrow it when the context holds counters or data that
   * would make the space unbounded.
   */
  serializeState?: (snapshot: SnapshotFrom<TMachine>) => string;
  /** Give up (and fail) after this many snapshot visits; guards against an unbounded space. Default 100,000. */
  limit?: number;
  /**
   * Called for every transition the walk makes (also for events the state ignores): a place to assert
   * invariants over the whole reachable space, e.g. "every message from the peer restarts the timeout".
   */
  onTransition?: (from: SnapshotFrom<TMachine>, event: EventFromLogic<TMachine> | XstateEvent, to: SnapshotFrom<TMachine>) => void;
}

/** One of xstate's own events: `xstate.after.*`, `xstate.done.actor.*`, `xstate.error.actor.*`. */
export interface XstateEvent {
  type: `xstate.${string}`;
  [key: string]: unknown;
}

export interface CoveragePath {
  /** The serialized target snapshot. */
  state: string;
  /** The event types, in order, that lead from the initial snapshot to it. */
  events: AnyEventObject[];
}

export interface CoverageReport {
  /** Every state node id of the machine (the root included). */
  states: string[];
  /** State node ids never active in any explored snapshot. */
  unreachedStates: string[];
  /** Every transition of the machine, described as `#source --EVENT [guard]--> #target`. */
  transitions: string[];
  /** Transitions never taken during the walk. */
  untakenTransitions: string[];
  /** The shortest path to every distinct (serialized) snapshot. */
  paths: CoveragePath[];
}

/** The `xstate.after.*` events the active states of `snapshot` are waiting for. */
export function delayedEvents(snapshot: AnyMachineSnapshot): XstateEvent[] {
  const types = new Set<`xstate.${string}`>();
  for (const t of getNextTransitions(snapshot)) {
    if ((t as { delay?: unknown }).delay !== undefined) types.add(t.eventType as `xstate.${string}`);
  }
  return [...types].map((type) => ({ type }));
}

/** The event xstate raises when the invoked actor with this `id` resolves with `output`. */
export function doneEvent(id: string, output: unknown): XstateEvent {
  return { type: `xstate.done.actor.${id}`, output, actorId: id };
}

/** The event xstate raises when the invoked actor with this `id` fails with `error`. */
export function errorEvent(id: string, error: unknown): XstateEvent {
  return { type: `xstate.error.actor.${id}`, error, actorId: id };
}

/** Every state node below (and including) `node`. */
function allStateNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states as Record<string, AnyStateNode>).flatMap(allStateNodes)];
}

function describeGuard(guard: unknown): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return ` [${guard}]`;
  if (typeof guard === 'function') return ` [${guard.name || 'inline guard'}]`;
  const type = (guard as { type?: unknown }).type;
  return ` [${typeof type === 'string' ? type : 'guard'}]`;
}

function describeTransition(t: AnyTransitionDefinition): string {
  const targets = t.target?.length ? t.target.map((n: AnyStateNode) => `#${n.id}`).join(',') : '(self)';
  const event = t.eventType === '' ? '(always)' : t.eventType;
  return `#${t.source.id} --${event}${describeGuard(t.guard)}--> ${targets}`;
}

/** Walk the machine and report which states and transitions were reached. */
export function exploreMachine<TMachine extends AnyStateMachine>(
  machine: TMachine,
  options: CoverageOptions<TMachine>,
): CoverageReport {
  const nodes = allStateNodes(machine.root);
  const transitions: AnyTransitionDefinition[] = nodes.flatMap((node) => [
    ...[...node.transitions.values()].flat(),
    ...(node.always ?? []),
  ]);

  const taken = new Set<AnyTransitionDefinition>();
  const reached = new Set<string>();
  const noteNodes = (snapshot: AnyMachineSnapshot) => {
    for (const node of (snapshot as unknown as { _nodes: AnyStateNode[] })._nodes) reached.add(node.id);
  };

  // An actor scope like @xstate/graph's own mock, but whose system reports every microstep: the
  // transitions taken and the states passed through (transient ones included).
  const empty = createEmptyActor();
  // Every branch of the walk spawns its children afresh: a child with a systemId (the supervisor's tasks)
  // must not collide with the same child spawned on another branch.
  (empty.system as unknown as { _set: (id: string, ref: unknown) => void })._set = () => {};
  empty.system.inspect((event) => {
    if (event.type === '@xstate.microstep') {
      for (const t of event._transitions) taken.add(t);
      noteNodes(event.snapshot as AnyMachineSnapshot);
    }
  });
  const scope = {
    self: empty,
    logger: () => {},
    id: '',
    sessionId: 'coverage',
    defer: () => {},
    system: empty.system,
    stopChild: () => {},
    emit: () => {},
    actionExecutor: () => {},
  } as unknown as AnyActorScope;

  // The machine's logic, but always transitioned with the recording scope.
  const m: AnyStateMachine = machine;
  const onTransition = options.onTransition as
    | ((from: AnyMachineSnapshot, event: AnyEventObject, to: AnyMachineSnapshot) => void)
    | undefined;
  const logic: ActorLogic<AnyMachineSnapshot, AnyEventObject, unknown> = {
    config: m.config,
    transition: (snapshot, event) => {
      const next = m.transition(snapshot, event, scope);
      noteNodes(next);
      onTransition?.(snapshot, event, next);
      return next;
    },
    getInitialSnapshot: (_scope, input) => {
      const first = m.getInitialSnapshot(scope, input);
      noteNodes(first);
      return first;
    },
    getPersistedSnapshot: (snapshot) => snapshot,
  };

  const serialize =
    (options.serializeState as ((s: AnyMachineSnapshot) => string) | undefined) ??
    ((s: AnyMachineSnapshot) => JSON.stringify([s.value, s.status, s.context]));
  const events = options.events as (s: AnyMachineSnapshot) => ReadonlyArray<AnyEventObject>;
  const plans = getShortestPaths<typeof logic>(logic, {
    input: options.input,
    events: (snapshot) => [...events(snapshot)],
    serializeState: (snapshot) => serialize(snapshot),
    limit: options.limit ?? 100_000,
    // A live actor ignores events once done, stopped or failed; the pure transition would not.
    stopWhen: (snapshot) => snapshot.status !== 'active',
  });

  return {
    states: nodes.map((n) => n.id),
    unreachedStates: nodes.map((n) => n.id).filter((id) => !reached.has(id)),
    transitions: transitions.map(describeTransition),
    untakenTransitions: transitions.filter((t) => !taken.has(t)).map(describeTransition),
    paths: plans.map((p) => ({
      state: serialize(p.state),
      events: p.steps.map((s) => s.event).filter((e) => e.type !== 'xstate.init'),
    })),
  };
}

/**
 * Walk the machine and throw unless every state node was entered and every transition taken.
 * Returns the report for further assertions.
 */
export function expectFullCoverage<TMachine extends AnyStateMachine>(
  machine: TMachine,
  options: CoverageOptions<TMachine>,
): CoverageReport {
  const report = exploreMachine(machine, options);
  const problems = [
    ...report.unreachedStates.map((id) => `state never reached: #${id}`),
    ...report.untakenTransitions.map((t) => `transition never taken: ${t}`),
  ];
  if (problems.length) {
    throw new Error(`machine "${machine.id}" is not fully covered by the generated paths:\n  ${problems.join('\n  ')}`);
  }
  return report;
}
