/**
 * The live view's pictures, drawn by drawChart in a worker thread (started from the sources here, as the
 * tests and tsx run them, which is the case that needs the worker to load tsx itself): the catalogue's
 * slave-session chart with a `data-state` for each of its states, and an unknown name refused.
 */
import { workerDrawer, type ChartDrawer } from '../../../actors/inspect/drawing.js';
import { outlineOf } from '../../../actors/inspect/charts.js';
import { slaveSessionMachine } from '../../../machines/slave-session/index.js';

let drawer: ChartDrawer;
beforeAll(() => {
  drawer = workerDrawer();
});
afterAll(async () => {
  await drawer.close();
});

const ids = (node: ReturnType<typeof outlineOf>): string[] => [node.id, ...node.children.flatMap(ids)];

test("the slave session's chart, every state a <g class=\"state\" data-state=ID>", async () => {
  const { svg } = await drawer.draw('slave-session');
  expect(svg).toMatch(/^<svg/);
  const drawnIds = new Set([...svg.matchAll(/<g class="state[^"]*" data-state="([^"]+)"/g)].map((m) => m[1]));
  for (const id of ids(outlineOf(slaveSessionMachine.root))) expect(drawnIds).toContain(id);
});

test('a name not in the catalogue is refused', async () => {
  await expect(drawer.draw('no-such-chart')).rejects.toThrow('no chart named no-such-chart');
});
