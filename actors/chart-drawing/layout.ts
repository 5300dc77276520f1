/**
 * Places a chart's states and routes its transitions with ELK's layered algorithm (elkjs: the Eclipse Layout
 * Kernel compiled to JavaScript). ELK is deterministic (fixed random seed, model order kept), so the same
 * machine gives the same picture byte for byte, which is what lets a test say a committed picture is stale.
 */
import elkModule from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode, ElkPoint } from 'elkjs/lib/elk-api.js';
import type { Chart, ChartState, ChartTransition } from './chart.js';
import { LINE_HEIGHT, SMALL_FONT_SIZE, textWidth, wrapList } from './text.js';

// CommonJS: the module itself is the constructor; its typings describe it as an ES default export.
export const ELK = elkModule as unknown as typeof elkModule.default;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  /** Undefined for the arrow from an initial marker. */
  transition?: ChartTransition;
  points: ElkPoint[];
  label?: Box;
}

export interface Layout {
  width: number;
  height: number;
  /** Every placed node by its id: state ids, plus the markers' ids (initialMarker, anyStateMarker). */
  boxes: Map<string, Box>;
  edges: PlacedEdge[];
}

export const initialMarker = (stateId: string) => `${stateId} (initial)`;
/** Stands for "any state of" a compound state, the source of its own transitions into its children. */
export const anyStateMarker = (stateId: string) => `${stateId} (any)`;
export const ANY_STATE_TEXT = 'any state';

export const STATE_PADDING_X = 12;
export const STATE_HEIGHT = 30;
export const HEADER_HEIGHT = 28;
export const MARKER_SIZE = 12;
const INSET = 14;

const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.randomSeed': '1',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.edgeEdge': '10',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.nodeSelfLoop': '12',
  'elk.layered.spacing.nodeNodeBetweenLayers': '34',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.json.edgeCoords': 'ROOT',
  'elk.json.shapeCoords': 'ROOT',
};

/** Characters per line of a transition's label and of a state's list of handled events. */
const LABEL_WIDTH = 40;

/** The small print under a state's name: the actors it invokes and the events it handles in place. */
export function stateDetails(state: ChartState): string[] {
  const handled = state.handles.length ? wrapList(state.handles, LABEL_WIDTH, 'on') : [];
  return [...state.invokes.map((src) => `invoke ${src}`), ...handled];
}

export function edgeLabelLines(transition: ChartTransition): string[] {
  return wrapList(transition.labels, LABEL_WIDTH);
}

function headerWidth(state: ChartState): number {
  return Math.max(textWidth(state.name), ...stateDetails(state).map((line) => textWidth(line, SMALL_FONT_SIZE)));
}

export function atomicSize(state: ChartState): { width: number; height: number } {
  return { width: headerWidth(state) + 2 * STATE_PADDING_X, height: STATE_HEIGHT + stateDetails(state).length * LINE_HEIGHT };
}

function compoundOptions(state: ChartState, top: number): Record<string, string> {
  return {
    'elk.padding': `[top=${top + stateDetails(state).length * LINE_HEIGHT},left=${INSET},bottom=${INSET},right=${INSET}]`,
    'elk.nodeSize.constraints': 'MINIMUM_SIZE',
    'elk.nodeSize.minimum': `(${headerWidth(state) + 2 * STATE_PADDING_X}, ${top + STATE_HEIGHT})`,
  };
}

/** The ELK node of a state; `ownerOf` learns each node's parent, for placing edges. */
function elkNode(state: ChartState, needsAny: Set<string>, ownerOf: Map<string, string>): ElkNode {
  if (state.children.length === 0) {
    const size = state.kind === 'history' ? { width: 26, height: 26 } : atomicSize(state);
    return { id: state.id, ...size };
  }
  const children = state.children.map((child) => elkNode(child, needsAny, ownerOf));
  if (state.initial) children.unshift({ id: initialMarker(state.id), width: MARKER_SIZE, height: MARKER_SIZE });
  if (needsAny.has(state.id)) children.unshift({ id: anyStateMarker(state.id), ...anySize() });
  for (const child of children) ownerOf.set(child.id, state.id);
  return { id: state.id, layoutOptions: compoundOptions(state, HEADER_HEIGHT + 4), children };
}

function anySize() {
  return { width: textWidth(ANY_STATE_TEXT, SMALL_FONT_SIZE) + 16, height: 22 };
}

function ancestors(id: string, ownerOf: Map<string, string>): string[] {
  const chain = [id];
  for (let at = ownerOf.get(id); at !== undefined; at = ownerOf.get(at)) chain.push(at);
  return chain;
}

/** ELK wants each edge in the node that contains both ends (ElkGraphUtil.findBestEdgeContainment). */
function edgeOwner(source: string, target: string, ownerOf: Map<string, string>): string {
  const up = ancestors(source, ownerOf);
  const down = ancestors(target, ownerOf);
  if (source === target) return ownerOf.get(source)!;
  if (down.includes(source)) return source;
  if (up.includes(target)) return target;
  const sourceOwners = new Set(up.slice(1));
  return down.slice(1).find((id) => sourceOwners.has(id))!;
}

function isInside(id: string, ancestor: string, ownerOf: Map<string, string>): boolean {
  return ancestors(id, ownerOf).slice(1).includes(ancestor);
}

function flatten(node: ElkNode, out: Map<string, ElkNode>): void {
  out.set(node.id, node);
  for (const child of node.children ?? []) flatten(child, out);
}

export async function layoutChart(chart: Chart, top: number, bottom: number): Promise<Layout> {
  // First pass for containment: which compound states are the source of transitions into themselves.
  const probeOwners = new Map<string, string>();
  elkNode(chart.root, new Set(), probeOwners);
  const needsAny = new Set(
    chart.transitions.filter((t) => isInside(t.target, t.source, probeOwners)).map((t) => t.source),
  );
  const ownerOf = new Map<string, string>();
  const root = elkNode(chart.root, needsAny, ownerOf);
  root.layoutOptions = { ...ROOT_OPTIONS, 'elk.padding': `[top=${top},left=16,bottom=${bottom},right=16]` };
  root.children ??= [];

  const nodes = new Map<string, ElkNode>();
  flatten(root, nodes);
  const finals = new Set<string>();
  const findFinals = (state: ChartState) => {
    if (state.kind === 'final') finals.add(state.id);
    state.children.forEach(findFinals);
  };
  findFinals(chart.root);
  const placed: { edge: ElkExtendedEdge; transition?: ChartTransition }[] = [];
  const add = (source: string, target: string, transition?: ChartTransition) => {
    const edge: ElkExtendedEdge = { id: `e${placed.length}`, sources: [source], targets: [target] };
    if (transition) {
      const lines = edgeLabelLines(transition);
      // Into a final state (often from many states at once): the label by its source, or all of them would
      // share the middle layer side by side and the picture grow as wide as their sum.
      const placement = finals.has(target) ? { layoutOptions: { 'elk.edgeLabels.placement': 'TAIL' } } : {};
      edge.labels = [{ text: lines.join(' '), ...placement, width: Math.max(...lines.map((l) => textWidth(l))) + 6, height: lines.length * LINE_HEIGHT }];
    }
    const owner = nodes.get(edgeOwner(source, target, ownerOf))!;
    (owner.edges ??= []).push(edge);
    placed.push(transition ? { edge, transition } : { edge });
  };
  for (const id of nodes.keys()) {
    const target = nodes.has(initialMarker(id)) ? initialTarget(chart.root, id) : undefined;
    if (target) add(initialMarker(id), target);
  }
  for (const t of chart.transitions) {
    const source = needsAny.has(t.source) && isInside(t.target, t.source, ownerOf) ? anyStateMarker(t.source) : t.source;
    add(source, t.target, t);
  }

  const laid = await new ELK().layout(root);
  const boxes = new Map<string, Box>();
  const all = new Map<string, ElkNode>();
  flatten(laid, all);
  for (const [id, n] of all) boxes.set(id, { x: n.x ?? 0, y: n.y ?? 0, width: n.width ?? 0, height: n.height ?? 0 });
  const laidEdges = new Map<string, ElkExtendedEdge>();
  for (const n of all.values()) for (const e of n.edges ?? []) laidEdges.set(e.id, e);
  const edges = placed.map(({ edge, transition }): PlacedEdge => {
    const out = laidEdges.get(edge.id)!;
    const section = out.sections![0]!;
    const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    const label = out.labels?.[0];
    const result: PlacedEdge = { points };
    if (transition) result.transition = transition;
    if (label) result.label = { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 };
    return result;
  });
  return { width: laid.width ?? 0, height: laid.height ?? 0, boxes, edges };
}

function initialTarget(state: ChartState, id: string): string | undefined {
  if (state.id === id) return state.initial;
  for (const child of state.children) {
    const found = initialTarget(child, id);
    if (found) return found;
  }
  return undefined;
}
