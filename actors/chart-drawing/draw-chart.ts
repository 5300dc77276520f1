/**
 * `drawChart(machine)`: a statechart as SVG and as Mermaid, read off the machine's definition. Used by
 * `npm run statecharts` (the pictures beside each machine) and by the master's live inspection page, which
 * highlights the current state through each state's `data-state` attribute (its xstate state node id).
 */
import type { AnyStateMachine } from 'xstate';
import { readChart } from './chart.js';
import { layoutChart } from './layout.js';
import { writeMermaid } from './mermaid.js';
import { TITLE_HEIGHT, everywhereFootnote, writeSvg } from './svg.js';

export interface DrawnChart {
  svg: string;
  mermaid: string;
  /** Events the machine handles in every state without changing state (also written under the SVG). */
  everywhere: string[];
}

export async function drawChart(machine: AnyStateMachine): Promise<DrawnChart> {
  const chart = readChart(machine);
  const footnote = everywhereFootnote(chart);
  const layout = await layoutChart(chart, TITLE_HEIGHT, 16 + footnote.length * 16);
  return { svg: writeSvg(chart, layout, footnote), mermaid: writeMermaid(chart), everywhere: chart.root.handles };
}
