/**
 * The worker thread that draws the live view's charts (drawing.ts starts it). Laying out a chart takes
 * seconds of CPU for the larger machines (slave-session: about 2 s on a loaded 2-core machine), which
 * in the master's own thread would stall every slave that long; here it stalls nothing.
 *
 * Asked `{ id, name }` (a name of the statechart catalogue), it answers `{ id, svg }` or `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';
import { drawChart } from '../chart-drawing/draw-chart.js';
import { catalogueByName } from './charts.js';

const machines = catalogueByName();

parentPort!.on('message', async ({ id, name }: { id: number; name: string }) => {
  try {
    const machine = Object.hasOwn(machines, name) ? machines[name] : undefined;
    if (machine === undefined) parentPort!.postMessage({ id, error: `no chart named ${name}` });
    else parentPort!.postMessage({ id, svg: (await drawChart(machine)).svg });
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
