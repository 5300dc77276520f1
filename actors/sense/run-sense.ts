/**
 * piw-sense's task: the monitor client's farm model and the joystick drive the navigation machine, and
 * FRAMES_PER_SECOND times a second the renderer draws the model, the navigation and the clock onto the
 * matrix. What the navigation emits becomes control messages through the client: `kill` is KILL id,
 * `terminate` is QUIT. Ends when the navigation stops (quit, terminate) or `signal` aborts (SIGTERM,
 * Ctrl+C); rejects when the matrix or the joystick fails. The owner closes the matrix (which darkens it)
 * and the client.
 */
import { createActor } from 'xstate';
import type { FarmContext } from '../../machines/farm/index.js';
import { navigationMachine } from '../../machines/sense/navigation.js';
import { displayOrder } from './display/order.js';
import { renderFrame } from './display/render.js';
import { navigationEvent, type StickMessage } from './stick-events.js';
import type { MonitorClient } from '../monitor/index.js';
import type { Logger } from '../runtime/logger.js';
import type { Matrix } from './matrix.js';

/** 0.18's piw-sense drew 15 frames a second: the cursor pulses once in 2 s, text scrolls 15 columns/s. */
export const FRAMES_PER_SECOND = 15;

export interface SenseOptions {
  client: MonitorClient;
  matrix: Matrix;
  /** Opens the joystick: its messages until the signal aborts (the task aborts it when it ends). */
  stick: (signal: AbortSignal) => AsyncIterable<StickMessage>;
  log: Logger;
  signal: AbortSignal;
  clock?: () => number;
  frameMs?: number;
}

/** How piw-sense ended. */
export type SenseOutcome = 'quit' | 'terminated' | 'stopped';

export async function runSense(opts: SenseOptions): Promise<SenseOutcome> {
  const { client, matrix, log } = opts;
  const clock = opts.clock ?? Date.now;
  const nav = createActor(navigationMachine).start();
  let outcome: SenseOutcome = 'stopped';

  // ends on quit or terminate (the navigation is done), on the signal, or on a device failing: a HAT that
  // cannot be drawn on or steered is no monitor, and a service manager had better hear of it
  let finish = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  let failure: unknown = null;
  const fail = (err: unknown) => {
    failure ??= err;
    finish();
  };
  nav.subscribe({ complete: () => finish() });
  if (opts.signal.aborted) finish();
  else opts.signal.addEventListener('abort', () => finish(), { once: true });

  nav.on('kill', ({ slaveId }) => {
    log.info(`killing slave ${slaveId}`);
    client.kill(slaveId).catch((err: Error) => log.error(`slave ${slaveId} was not killed: ${err.message}`));
  });
  let terminating: Promise<void> = Promise.resolve();
  nav.on('terminate', () => {
    outcome = 'terminated';
    log.warn('terminating the master');
    terminating = client.quit().catch((err: Error) => log.error(`the master was not told to terminate: ${err.message}`));
  });
  nav.on('quit', () => {
    outcome = 'quit';
  });

  // the navigation learns the display order once a frame, when it changed: not at every status message
  let slaves: FarmContext['slaves'] | null = null;
  const noteSlaves = (context: FarmContext) => {
    if (context.slaves === slaves) return;
    slaves = context.slaves;
    const order = displayOrder(context);
    const known = nav.getSnapshot().context.slaves;
    if (order.length !== known.length || order.some((s, i) => s.id !== known[i])) nav.send({ type: 'SLAVES', ids: order.map((s) => s.id) });
  };

  const draw = () => {
    noteSlaves(client.farm.getSnapshot().context);
    nav.send({ type: 'TICK' });
    matrix.show(renderFrame(client.farm.getSnapshot(), nav.getSnapshot(), clock())).catch(fail);
  };
  draw();
  const ticker = setInterval(draw, opts.frameMs ?? Math.round(1000 / FRAMES_PER_SECOND));

  const stopReading = new AbortController();
  const reading = (async () => {
    for await (const msg of opts.stick(stopReading.signal)) {
      const event = navigationEvent(msg);
      if (event) nav.send(event);
    }
  })().catch(fail);

  try {
    await done;
  } finally {
    clearInterval(ticker);
    stopReading.abort();
    await reading;
    await terminating;
    nav.stop();
  }
  if (failure !== null) throw failure;
  return outcome;
}
