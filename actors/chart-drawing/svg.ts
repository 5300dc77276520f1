/**
 * Writes a laid-out chart as SVG: compound states as nested boxes with their name in a header band, the
 * regions of a parallel state as dashed boxes, atomic states as rounded boxes, final states with a double
 * border, a dot for each initial state, transitions as arrows labelled `EVENT [guard]`, and under a state's
 * name the actors it invokes and the events it handles without leaving it. Every state is `<g class="state" data-state="<xstate id>">`, so a page can highlight
 * the current one with CSS; colours are presentation attributes, which any page stylesheet overrides.
 */
import type { Chart, ChartState } from './chart.js';
import {
  ANY_STATE_TEXT,
  edgeLabelLines,
  stateDetails,
  anyStateMarker,
  HEADER_HEIGHT,
  initialMarker,
  type Layout,
  MARKER_SIZE,
  type PlacedEdge,
  STATE_HEIGHT,
  STATE_PADDING_X,
} from './layout.js';
import { arrowhead, COMPOUND_FILL, INK, LABEL_BACK, LINE, MUTED, n, path, rect, REGION_FILL, STATE_FILL, text } from './svg-parts.js';
import { escapeXml, FONT_FAMILY, FONT_SIZE, LINE_HEIGHT, SMALL_FONT_SIZE, textWidth, wrapList } from './text.js';

function detailLines(state: ChartState, x: number, firstBaseline: number): string[] {
  return stateDetails(state).map((line, i) =>
    text(x, firstBaseline + i * LINE_HEIGHT, line, `font-size="${SMALL_FONT_SIZE}" fill="${MUTED}"`),
  );
}

function drawState(state: ChartState, layout: Layout, inParallel: boolean, out: string[], indent: string): void {
  const box = layout.boxes.get(state.id)!;
  const kind = inParallel ? 'region' : state.kind;
  out.push(`${indent}<g class="state ${kind}" data-state="${escapeXml(state.id)}">`);
  const inner = indent + '  ';
  if (state.kind === 'history') {
    const r = box.width / 2;
    out.push(`${inner}<circle cx="${n(box.x + r)}" cy="${n(box.y + r)}" r="${n(r)}" fill="${STATE_FILL}" stroke="${LINE}" stroke-width="1.2"/>`);
    out.push(`${inner}${text(box.x + r, box.y + r + 4, 'H', `text-anchor="middle" fill="${INK}"`)}`);
  } else if (state.children.length === 0) {
    out.push(`${inner}${rect(box, `rx="6" fill="${STATE_FILL}" stroke="${LINE}" stroke-width="1.2"`)}`);
    if (state.kind === 'final') out.push(`${inner}${rect(box, `rx="4" fill="none" stroke="${LINE}" stroke-width="1.2"`, 3)}`);
    const baseline = box.y + STATE_HEIGHT / 2 + FONT_SIZE * 0.35;
    out.push(`${inner}${text(box.x + box.width / 2, baseline, state.name, `text-anchor="middle" fill="${INK}"`)}`);
    if (stateDetails(state).length) {
      const y = n(box.y + STATE_HEIGHT - 4);
      out.push(`${inner}<line x1="${n(box.x)}" y1="${y}" x2="${n(box.x + box.width)}" y2="${y}" stroke="${LINE}" stroke-width="0.6"/>`);
    }
    out.push(...detailLines(state, box.x + STATE_PADDING_X, baseline + LINE_HEIGHT).map((l) => inner + l));
  } else {
    const attrs = inParallel
      ? `rx="4" fill="${REGION_FILL}" stroke="${MUTED}" stroke-width="1" stroke-dasharray="5 3"`
      : `rx="8" fill="${COMPOUND_FILL}" stroke="${LINE}" stroke-width="1.2"`;
    out.push(`${inner}${rect(box, attrs)}`);
    const baseline = box.y + HEADER_HEIGHT / 2 + FONT_SIZE * 0.35;
    const suffix = state.kind === 'parallel' ? ' (parallel)' : '';
    out.push(`${inner}${text(box.x + STATE_PADDING_X, baseline, state.name + suffix, `font-weight="bold" fill="${INK}"`)}`);
    out.push(...detailLines(state, box.x + STATE_PADDING_X, baseline + LINE_HEIGHT).map((l) => inner + l));
    drawMarkers(state, layout, out, inner);
    for (const child of state.children) drawState(child, layout, state.kind === 'parallel', out, inner);
  }
  out.push(`${indent}</g>`);
}

function drawMarkers(state: ChartState, layout: Layout, out: string[], indent: string): void {
  const initial = layout.boxes.get(initialMarker(state.id));
  if (initial) {
    const r = MARKER_SIZE / 2;
    out.push(`${indent}<circle class="initial" cx="${n(initial.x + r)}" cy="${n(initial.y + r)}" r="${n(r)}" fill="${INK}"/>`);
  }
  const any = layout.boxes.get(anyStateMarker(state.id));
  if (any) {
    out.push(`${indent}<g class="any-state">`);
    out.push(`${indent}  ${rect(any, `rx="11" fill="${LABEL_BACK}" stroke="${MUTED}" stroke-width="1" stroke-dasharray="3 2"`)}`);
    out.push(`${indent}  ${text(any.x + any.width / 2, any.y + any.height / 2 + SMALL_FONT_SIZE * 0.35, ANY_STATE_TEXT, `text-anchor="middle" font-size="${SMALL_FONT_SIZE}" fill="${MUTED}"`)}`);
    out.push(`${indent}</g>`);
  }
}

function drawEdge(edge: PlacedEdge, out: string[]): void {
  const t = edge.transition;
  const data = t ? ` data-source="${escapeXml(t.source)}" data-target="${escapeXml(t.target)}"` : '';
  out.push(`  <g class="${t ? 'transition' : 'initial-transition'}"${data}>`);
    out.push(`    ${path(edge.points)}`);
  out.push(`    ${arrowhead(edge.points)}`);
  if (t && edge.label) {
    out.push(`    ${rect(edge.label, `fill="${LABEL_BACK}" fill-opacity="0.85"`)}`);
    const lines = edgeLabelLines(t);
    lines.forEach((line, i) => {
      const baseline = edge.label!.y + (i + 0.5) * LINE_HEIGHT + FONT_SIZE * 0.35;
      out.push(`    ${text(edge.label!.x + edge.label!.width / 2, baseline, line, `text-anchor="middle" fill="${INK}"`)}`);
    });
  }
  out.push('  </g>');
}

export const TITLE_HEIGHT = 40;

/** The note under a chart listing what the root handles in every state, in lines of at most 96 characters. */
export function everywhereFootnote(chart: Chart): string[] {
  return chart.root.handles.length ? wrapList(chart.root.handles, 96, 'In every state, without leaving it:') : [];
}

export function writeSvg(chart: Chart, layout: Layout, footnote: string[]): string {
  const footWidth = Math.max(0, ...footnote.map((l) => textWidth(l, SMALL_FONT_SIZE) + 32));
  const width = Math.ceil(Math.max(layout.width, footWidth, textWidth(chart.id, 14) + 32));
  const height = Math.ceil(layout.height);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="statechart" data-machine="${escapeXml(chart.id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}" font-size="${FONT_SIZE}">`,
    `  <rect class="background" width="${width}" height="${height}" fill="#ffffff"/>`,
    `  ${text(16, 26, chart.id, `font-size="14" font-weight="bold" fill="${INK}"`)}`,
  ];
  const root = chart.root;
  out.push(`  <g class="state root ${root.kind}" data-state="${escapeXml(root.id)}">`);
  drawMarkers(root, layout, out, '    ');
  for (const child of root.children) drawState(child, layout, root.kind === 'parallel', out, '    ');
  out.push('  </g>');
  for (const edge of layout.edges) drawEdge(edge, out);
  footnote.forEach((line, i) => {
    out.push(`  ${text(16, height - 12 - (footnote.length - 1 - i) * LINE_HEIGHT, line, `font-size="${SMALL_FONT_SIZE}" fill="${MUTED}" xml:space="preserve"`)}`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
