/**
 * The same chart as a Mermaid state diagram, for Markdown viewers that render Mermaid (GitHub, VS Code).
 * Mermaid ids may not contain dots or dashes, so each state is declared with its name as the label.
 */
import type { Chart, ChartState } from './chart.js';

/**
 * A parallel state's regions are drawn as its composite children, the state named "(parallel)": Mermaid's own
 * region separator (`--`) fails to lay out (mermaid 11: "Cannot set properties of undefined (setting 'rank')")
 * as soon as a region holds a composite state.
 */
const PARALLEL = ' (parallel)';
const mid = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');
const anyId = (id: string) => `${mid(id)}__any`;

function isInside(state: ChartState, id: string): boolean {
  return state.children.some((c) => c.id === id || isInside(c, id));
}

function find(state: ChartState, id: string): ChartState | undefined {
  if (state.id === id) return state;
  for (const child of state.children) {
    const found = find(child, id);
    if (found) return found;
  }
  return undefined;
}

function drawStates(state: ChartState, anySources: Set<string>, lines: string[], indent: string): void {
  if (anySources.has(state.id)) lines.push(`${indent}state "any state" as ${anyId(state.id)}`);
  if (state.initial) lines.push(`${indent}[*] --> ${mid(state.initial)}`);
  for (const child of state.children) {
    if (child.children.length > 0) {
      lines.push(`${indent}state "${child.name}${child.kind === 'parallel' ? PARALLEL : ''}" as ${mid(child.id)} {`);
      drawStates(child, anySources, lines, indent + '  ');
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${child.name}" as ${mid(child.id)}`);
    }
    if (child.kind === 'final') lines.push(`${indent}${mid(child.id)} --> [*]`);
  }
}

export function writeMermaid(chart: Chart): string {
  const lines = ['stateDiagram-v2'];
  const anySources = new Set<string>();
  const edges: string[] = [];
  const label = (labels: string[]) => labels.join(', ').replace(/[:;]/g, ' ');
  for (const t of chart.transitions) {
    // A transition from a compound state into its own child starts at that state's "any state" marker.
    const into = isInside(find(chart.root, t.source)!, t.target);
    if (into) anySources.add(t.source);
    edges.push(`  ${into ? anyId(t.source) : mid(t.source)} --> ${mid(t.target)} : ${label(t.labels)}`);
  }
  // Transitions that only run actions: a loop, as Mermaid has no other way to list them on the state.
  const handled = (state: ChartState): void => {
    if (state !== chart.root && state.handles.length) edges.push(`  ${mid(state.id)} --> ${mid(state.id)} : ${label(state.handles)}`);
    state.children.forEach(handled);
  };
  handled(chart.root);
  if (chart.root.kind === 'parallel') {
    lines.push(`  state "${chart.id}${PARALLEL}" as ${mid(chart.root.id)} {`);
    drawStates(chart.root, anySources, lines, '    ');
    lines.push('  }');
  } else drawStates(chart.root, anySources, lines, '  ');
  lines.push(...edges);
  return lines.join('\n') + '\n';
}
