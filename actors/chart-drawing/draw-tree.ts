/**
 * `drawTree(title, root)`: a tree of actors as SVG, laid out by ELK left to right, children in the order
 * given. Each node is a box with its name and, in small print, what it runs (the charts drawn for it), linked
 * when it has an `href`; each node is `<g class="actor" data-actor="<id>">`. machines/README.md shows the
 * master's tree with it.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { ELK } from './layout.js';
import { arrowhead, INK, LABEL_BACK, LINE, MUTED, path, rect, STATE_FILL, text } from './svg-parts.js';
import { escapeXml, FONT_FAMILY, FONT_SIZE, LINE_HEIGHT, SMALL_FONT_SIZE, textWidth } from './text.js';

export interface TreeNode {
  id: string;
  label: string;
  /** Small print under the label. */
  details?: string[];
  /** Where the node links to (relative to the SVG). */
  href?: string;
  /** Written on the edge from the parent. */
  edgeLabel?: string;
  children?: TreeNode[];
}

const PADDING_X = 12;
const HEIGHT = 30;

function size(node: TreeNode) {
  const details = node.details ?? [];
  const width = Math.max(textWidth(node.label), ...details.map((d) => textWidth(d, SMALL_FONT_SIZE))) + 2 * PADDING_X;
  return { width, height: HEIGHT + details.length * LINE_HEIGHT };
}

export async function drawTree(title: string, root: TreeNode): Promise<string> {
  const nodes = new Map<string, TreeNode>();
  const children: ElkNode[] = [];
  const edges: ElkExtendedEdge[] = [];
  const visit = (node: TreeNode, parent?: TreeNode) => {
    nodes.set(node.id, node);
    children.push({ id: node.id, ...size(node), layoutOptions: { 'elk.alignment': 'LEFT' } });
    if (parent) {
      const edge: ElkExtendedEdge = { id: `${parent.id} -> ${node.id}`, sources: [parent.id], targets: [node.id] };
      if (node.edgeLabel) edge.labels = [{ text: node.edgeLabel, width: textWidth(node.edgeLabel, SMALL_FONT_SIZE) + 6, height: LINE_HEIGHT }];
      edges.push(edge);
    }
    for (const child of node.children ?? []) visit(child, node);
  };
  visit(root);
  const graph: ElkNode = {
    id: '(tree)',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.randomSeed': '1',
      'elk.spacing.nodeNode': '10',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.padding': '[top=40,left=16,bottom=16,right=16]',
    },
    children,
    edges,
  };
  const laid = await new ELK().layout(graph);
  const width = Math.ceil(Math.max(laid.width ?? 0, textWidth(title, 14) + 32));
  const height = Math.ceil(laid.height ?? 0);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="actor-tree" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}" font-size="${FONT_SIZE}">`,
    `  <rect class="background" width="${width}" height="${height}" fill="#ffffff"/>`,
    `  ${text(16, 26, title, `font-size="14" font-weight="bold" fill="${INK}"`)}`,
  ];
  for (const edge of laid.edges ?? []) {
    const section = edge.sections![0]!;
    const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    out.push('  <g class="child">', `    ${path(points)}`, `    ${arrowhead(points)}`);
    const label = edge.labels?.[0];
    if (label) {
      const box = { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 };
      out.push(`    ${rect(box, `fill="${LABEL_BACK}" fill-opacity="0.85"`)}`);
      out.push(`    ${text(box.x + box.width / 2, box.y + box.height / 2 + SMALL_FONT_SIZE * 0.35, label.text ?? '', `text-anchor="middle" font-size="${SMALL_FONT_SIZE}" fill="${MUTED}"`)}`);
    }
    out.push('  </g>');
  }
  for (const placed of laid.children ?? []) {
    const node = nodes.get(placed.id)!;
    const box = { x: placed.x ?? 0, y: placed.y ?? 0, width: placed.width ?? 0, height: placed.height ?? 0 };
    const baseline = box.y + HEIGHT / 2 + FONT_SIZE * 0.35;
    const inner = [
      rect(box, `rx="6" fill="${STATE_FILL}" stroke="${LINE}" stroke-width="1.2"`),
      text(box.x + PADDING_X, baseline, node.label, `fill="${INK}"`),
      ...(node.details ?? []).map((d, i) => text(box.x + PADDING_X, baseline + (i + 1) * LINE_HEIGHT, d, `font-size="${SMALL_FONT_SIZE}" fill="${MUTED}"`)),
    ];
    out.push(`  <g class="actor" data-actor="${escapeXml(node.id)}">`);
    if (node.href) out.push(`    <a href="${escapeXml(node.href)}">`, ...inner.map((l) => `      ${l}`), '    </a>');
    else out.push(...inner.map((l) => `    ${l}`));
    out.push('  </g>');
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
