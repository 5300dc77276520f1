/**
 * `piw-master --inspect`: a live view of the master's actor tree in a browser. The master imports this
 * only when the option is given, so without it nothing is loaded and no inspector is attached to the
 * actor system; with it, `startInspector` binds the page's server and returns the observer the root
 * actor is created with (`createActor(supervisorMachine, { inspect: inspector.observe })`).
 */
import type { InspectionEvent } from 'xstate';
import type { InspectAddress } from './address.js';
import { catalogueByName, ChartIndex } from './charts.js';
import { workerDrawer } from './drawing.js';
import { Recorder } from './recorder.js';
import { InspectServer, type DrawChart } from './server.js';

export { DEFAULT_INSPECT_ADDRESS, InspectAddressError, parseInspectAddress, type InspectAddress } from './address.js';

export interface Inspector {
  /** The page's address, e.g. `http://127.0.0.1:8008/`. */
  url: string;
  observe(event: InspectionEvent): void;
  close(): Promise<void>;
}

export interface InspectorOptions {
  address: InspectAddress;
  /** How the page's pictures are drawn (default: drawChart in a worker thread). */
  draw?: DrawChart;
  pushMs?: number;
}

export async function startInspector(opts: InspectorOptions): Promise<Inspector> {
  const charts = new ChartIndex(catalogueByName());
  const recorder = new Recorder({ charts });
  const drawer = opts.draw === undefined ? workerDrawer() : undefined;
  const server = await InspectServer.listen({
    address: opts.address,
    recorder,
    charts,
    draw: opts.draw ?? ((name) => drawer!.draw(name)),
    ...(opts.pushMs === undefined ? {} : { pushMs: opts.pushMs }),
  }).catch(async (err: unknown) => {
    await drawer?.close();
    throw err;
  });
  return {
    url: server.url,
    observe: recorder.observe,
    close: async () => {
      await server.close();
      await drawer?.close();
    },
  };
}
