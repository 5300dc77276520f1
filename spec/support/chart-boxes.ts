/** The boxes of a drawn statechart (actors/chart-drawing): its atomic and final states, and its transitions' labels. */
export interface ChartBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export function chartBoxes(svg: string): { states: ChartBox[]; labels: ChartBox[] } {
  const box = (id: string, m: RegExpMatchArray, at: number): ChartBox => ({
    id,
    x: Number(m[at]),
    y: Number(m[at + 1]),
    width: Number(m[at + 2]),
    height: Number(m[at + 3]),
  });
  const states = [
    ...svg.matchAll(/<g class="state (?:atomic|final)" data-state="([^"]+)">\n\s*<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g),
  ].map((m) => box(m[1]!, m, 2));
  const labels = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#ffffff" fill-opacity/g)].map((m, i) =>
    box(`label ${i}`, m, 1),
  );
  return { states, labels };
}

/** Pairs of boxes that overlap, and boxes that reach outside the picture's width and height. */
export function overlaps(svg: string): string[] {
  const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
  const { states, labels } = chartBoxes(svg);
  const all = [...states, ...labels];
  const found: string[] = [];
  all.forEach((a, i) => {
    if (a.x + a.width > width! || a.y + a.height > height!) found.push(`${a.id} outside the picture`);
    for (const b of all.slice(i + 1)) {
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      if (!apart) found.push(`${a.id} overlaps ${b.id}`);
    }
  });
  return found;
}
