/**
 * A machine read as a chart: its states as a tree, its transitions as labelled edges. The drawing (SVG and
 * Mermaid) is made from this, so both show the same thing and both are read off the machine's own
 * definition: a picture cannot describe a machine that is not there.
 */
import type { AnyStateMachine } from 'xstate';

export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface ChartState {
  /** xstate's state node id (`machine.path.to.state`, or the state's own `id`): what an inspector matches. */
  id: string;
  /** The state's key, as written in the machine. */
  name: string;
  kind: StateKind;
  children: ChartState[];
  /** The child a compound state starts in. */
  initial?: string;
  /** The actors the state invokes, by the name `setup()` gives them. */
  invokes: string[];
  /** Transitions without a target (`EVENT [guard]`): actions run, the state is neither left nor entered. */
  handles: string[];
}

/** Every transition from one state to another (or to itself, re-entering it), one label each. */
export interface ChartTransition {
  source: string;
  target: string;
  labels: string[];
}

export interface Chart {
  /** The root's id (the machine's `id`); the root is the drawing itself, not a box in it. */
  id: string;
  /** The root's `handles` are the events handled in every state (listed under the chart). */
  root: ChartState;
  transitions: ChartTransition[];
}

/** The fields of xstate's StateNode a chart reads. */
interface StateNodeLike {
  id: string;
  key: string;
  type: StateKind;
  states: Record<string, StateNodeLike>;
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[];
  initial?: { target: StateNodeLike[] };
  invoke: { src: string; id: string }[];
}

interface TransitionLike {
  target?: StateNodeLike[];
  guard?: unknown;
}

/** A guard's name as written in the machine: `name`, `!name`, `a && b`. */
export function guardLabel(guard: unknown, nested = false): string {
  if (!guard) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const inner = (guard as { guards?: unknown[] }).guards;
    if (Array.isArray(inner)) {
      if (guard.name === 'not') return `!${guardLabel(inner[0], true)}`;
      const joined = inner.map((g) => guardLabel(g, true)).join(guard.name === 'and' ? ' && ' : ' || ');
      return nested ? `(${joined})` : joined;
    }
    // An inline arrow function takes its property's name, `guard`, which says nothing.
    return guard.name && guard.name !== 'guard' ? guard.name : 'inline guard';
  }
  const type = (guard as { type?: unknown }).type;
  return typeof type === 'string' ? type : 'guarded';
}

/** xstate's internal event names, as a reader would say them. */
export function eventLabel(event: string): string {
  const after = /^xstate\.after\.([^.]+)\./.exec(event);
  if (after) return /^\d+$/.test(after[1]!) ? `after ${after[1]} ms` : `after ${after[1]}`;
  const done = /^xstate\.done\.actor\.(.+)$/.exec(event);
  if (done) return `${done[1]} done`;
  const error = /^xstate\.error\.actor\.(.+)$/.exec(event);
  if (error) return `${error[1]} failed`;
  if (event.startsWith('xstate.done.state.')) return 'done';
  return event;
}

function transitionLabel(event: string, guard: unknown): string {
  const name = guardLabel(guard);
  return name ? `${event} [${name}]` : event;
}

function readState(node: StateNodeLike): ChartState {
  const state: ChartState = {
    id: node.id,
    name: node.key,
    kind: node.type,
    children: Object.values(node.states).map(readState),
    invokes: node.invoke.map((i) => (i.src.startsWith('xstate.invoke.') ? i.id : i.src)),
    handles: [],
  };
  const initial = node.initial?.target[0];
  if (initial) state.initial = initial.id;
  return state;
}

function readTransitions(node: StateNodeLike, state: ChartState, edges: Map<string, ChartTransition>): void {
  const defs = [...node.transitions].flatMap(([event, list]) => list.map((t) => ({ t, event: eventLabel(event) })));
  for (const t of node.always ?? []) defs.push({ t, event: 'always' });
  for (const { t, event } of defs) {
    const label = transitionLabel(event, t.guard);
    if (!t.target?.length) state.handles.push(label);
    for (const target of t.target ?? []) {
      const key = JSON.stringify([node.id, target.id]);
      const edge = edges.get(key) ?? { source: node.id, target: target.id, labels: [] };
      edge.labels.push(label);
      edges.set(key, edge);
    }
  }
  Object.values(node.states).forEach((child, i) => readTransitions(child, state.children[i]!, edges));
}

export function readChart(machine: AnyStateMachine): Chart {
  const node = machine.root as unknown as StateNodeLike;
  const root = readState(node);
  const edges = new Map<string, ChartTransition>();
  readTransitions(node, root, edges);
  return { id: node.id, root, transitions: [...edges.values()] };
}
