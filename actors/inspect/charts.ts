/**
 * Which chart an actor's logic is drawn as. A session runs `slaveSessionMachine.provide(...)` (its side
 * effects supplied), a different object from the catalogue's machine but made from the same config, so
 * the catalogue (machines/catalogue.ts, the list `npm run statecharts` draws) is searched by
 * config, then by machine id. Logic that is not a machine (promises, callbacks) has no chart: the page
 * shows its status only.
 *
 * Every machine also gets an outline (its state nodes, nested, each with the id the drawings put in
 * `data-state`), so the page can mark the active states whether or not a picture is at hand.
 */
import type { AnyActorLogic, AnyStateMachine, AnyStateNode } from 'xstate';
import { StateMachine } from 'xstate';
import { catalogue } from '../../machines/catalogue.js';

export interface OutlineNode {
  /** The state node's id, as in the drawing's `<g class="state" data-state="…">`. */
  id: string;
  key: string;
  type: string;
  children: OutlineNode[];
}

export interface Chart {
  /** The catalogue's name, e.g. `slave-session`; undefined for a machine not in the catalogue. */
  name: string | undefined;
  machine: AnyStateMachine;
  outline: OutlineNode;
}

/** The statechart catalogue's machines by drawing name (`slave-session`, …). */
export function catalogueByName(): Record<string, AnyStateMachine> {
  return Object.fromEntries(catalogue.map((entry) => [entry.name, entry.machine]));
}

export function isMachine(logic: AnyActorLogic | undefined): logic is AnyStateMachine {
  return logic instanceof StateMachine;
}

export function outlineOf(node: AnyStateNode): OutlineNode {
  return { id: node.id, key: node.key, type: node.type, children: Object.values(node.states).map(outlineOf) };
}

/** The ids of the state nodes active in `snapshot` (compound ones included), for the page to mark. */
export function activeStateIds(snapshot: { _nodes?: readonly AnyStateNode[] } | undefined): string[] {
  return (snapshot?._nodes ?? []).map((node) => node.id);
}

export class ChartIndex {
  readonly #byConfig = new Map<unknown, string>();
  readonly #byId = new Map<string, string>();
  readonly #named: Record<string, AnyStateMachine>;
  /** One entry per logic seen: a session's 500 copies share one chart. */
  readonly #charts = new WeakMap<AnyStateMachine, Chart>();

  constructor(catalogue: Record<string, AnyStateMachine>) {
    this.#named = catalogue;
    const ids = new Map<string, number>();
    for (const machine of Object.values(catalogue)) ids.set(machine.id, (ids.get(machine.id) ?? 0) + 1);
    for (const [name, machine] of Object.entries(catalogue)) {
      this.#byConfig.set(machine.config, name);
      // An id two machines share names neither.
      if (ids.get(machine.id) === 1) this.#byId.set(machine.id, name);
    }
  }

  /** The catalogue's machine of that name. */
  named(name: string): AnyStateMachine | undefined {
    return Object.hasOwn(this.#named, name) ? this.#named[name] : undefined;
  }

  chartOf(logic: AnyActorLogic | undefined): Chart | undefined {
    if (!isMachine(logic)) return undefined;
    let chart = this.#charts.get(logic);
    if (chart === undefined) {
      const name = this.#byConfig.get(logic.config) ?? this.#byId.get(logic.id);
      chart = { name, machine: logic, outline: outlineOf(logic.root) };
      this.#charts.set(logic, chart);
    }
    return chart;
  }
}
