/** The pieces every drawing here is made of: its colours (a light theme), and boxes, text and arrowheads. */
import type { Box } from './layout.js';
import { escapeXml } from './text.js';

export const INK = '#1f2933';
export const LINE = '#52606d';
export const MUTED = '#7b8794';
export const STATE_FILL = '#eef3f8';
export const COMPOUND_FILL = '#fafcfe';
export const REGION_FILL = '#ffffff';
export const LABEL_BACK = '#ffffff';

/** Coordinates to one decimal: enough for a screen, and stable text for the staleness test. */
export const n = (v: number) => String(Math.round(v * 10) / 10);

export function rect(box: Box, attrs: string, inset = 0): string {
  return `<rect x="${n(box.x + inset)}" y="${n(box.y + inset)}" width="${n(box.width - 2 * inset)}" height="${n(box.height - 2 * inset)}" ${attrs}/>`;
}

export function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${n(x)}" y="${n(y)}"${attrs ? ' ' + attrs : ''}>${escapeXml(content)}</text>`;
}

/** An arrowhead at the last point, pointing along the last segment. */
export function arrowhead(points: { x: number; y: number }[]): string {
  const tip = points[points.length - 1]!;
  const from = points[points.length - 2]!;
  const length = Math.hypot(tip.x - from.x, tip.y - from.y) || 1;
  const ux = (tip.x - from.x) / length;
  const uy = (tip.y - from.y) / length;
  const back = { x: tip.x - ux * 8, y: tip.y - uy * 8 };
  const left = `${n(back.x - uy * 4)},${n(back.y + ux * 4)}`;
  const right = `${n(back.x + uy * 4)},${n(back.y - ux * 4)}`;
  return `<polygon points="${n(tip.x)},${n(tip.y)} ${left} ${right}" fill="${LINE}"/>`;
}

export function path(points: { x: number; y: number }[]): string {
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(p.x)},${n(p.y)}`).join(' ');
  return `<path d="${d}" fill="none" stroke="${LINE}" stroke-width="1.2"/>`;
}
