import { drawTree } from '../../../actors/chart-drawing/draw-tree.js';

const tree = {
  id: 'root',
  label: 'root supervisor',
  children: [
    { id: 'first', label: '1. first', details: ['chart: first'], href: 'first/README.md' },
    { id: 'second', label: '2. second', children: [{ id: 'session', label: 'session', edgeLabel: 'one per peer', href: 'session/README.md' }] },
  ],
};

test('drawTree: every node a <g class="actor" data-actor>, linked where it has a chart, edge labels written, children in the order given', async () => {
  const svg = await drawTree('A tree', tree);
  expect([...svg.matchAll(/data-actor="([^"]+)"/g)].map((m) => m[1])).toEqual(['root', 'first', 'second', 'session']);
  expect(svg).toContain('<g class="actor" data-actor="first">\n    <a href="first/README.md">');
  expect(svg).toMatch(/<g class="actor" data-actor="second">\n    <rect/);
  for (const words of ['A tree', 'root supervisor', 'chart: first', 'one per peer', 'session']) expect(svg).toContain(`>${words}</text>`);
  const y = (id: string) => Number(new RegExp(`data-actor="${id}">\\n[^\\n]*\\n?\\s*<rect x="[\\d.]+" y="([\\d.]+)"`).exec(svg)![1]);
  expect(y('first')).toBeLessThan(y('second'));
  expect(await drawTree('A tree', tree)).toBe(svg);
});
