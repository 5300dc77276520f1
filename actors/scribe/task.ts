/**
 * The Scribe as a `pauseable` task (behaviour 17): at start it writes the static part of the site and loads
 * its package cache (Scribe.start), then serves the scribe queue, where the Secretary sends what is to be
 * written. While the master sleeps, requests wait until RESUME (the Scribe's write scheduling, machines/scribe).
 *
 * Every request is answered DONE, as 0.18's Scribe did, once the Scribe has finished with it. A request it
 * cannot carry out (the database failing mid-page, a hostile package name, a full disk) is logged as an
 * error and still answered: one bad page never stops the site being written.
 *
 * Stopping stops serving, then waits for the pages being written, so none is left half-done, then ends
 * the Scribe's writing workers.
 */
import { DbClient } from '../oracle/db-client.js';
import type { Bus } from '../runtime/bus.js';
import { describe } from '../runtime/errors.js';
import { queues } from '../runtime/queues.js';
import { createTask, TaskStoppedError } from '../runtime/task.js';
import type { ScribeData } from './data.js';
import { DbScribeData } from './db-data.js';
import { Scribe, type ScribeRequest } from './scribe.js';
import type { SiteInfo } from './templates.js';

export interface ScribeTaskInput {
  bus: Bus;
  /** `-o`: where the site is written. */
  output: string;
  /** What pages are made from; by default the database through the bus (a DbClient). */
  data?: ScribeData;
  site?: Partial<SiteInfo>;
  templatesDir?: string;
  /** The clock of "last updated" and sitemap dates. */
  now?: () => Date;
}

/** How a request is named in log lines: `BOTH foo`, `DELVER foo 1.0`, `HOME`. */
export function describeRequest(msg: ScribeRequest): string {
  switch (msg.verb) {
    case 'PROJECT':
    case 'BOTH':
    case 'DELPKG':
      return `${msg.verb} ${msg.data}`;
    case 'DELVER':
      return `${msg.verb} ${msg.data[0]} ${msg.data[1]}`;
    default:
      return msg.verb;
  }
}

export const scribeTask = createTask<ScribeTaskInput>({
  kind: 'pauseable',
  async start(ctx) {
    const { bus, output, data = new DbScribeData(new DbClient(bus)), site, templatesDir, now } = ctx.input;
    const log = ctx.log;
    const scribe = new Scribe({
      data,
      output,
      log,
      task: ctx,
      ...(site === undefined ? {} : { site }),
      ...(templatesDir === undefined ? {} : { templatesDir }),
      ...(now === undefined ? {} : { now }),
    });
    await scribe.start();
    // In the background: a farm's output tree has a million directories, and nothing waits for the sweep.
    const sweeping = new AbortController();
    const swept = scribe.sweepTempFiles(sweeping.signal).catch((err: unknown) => log.error(`unable to sweep temp files: ${describe(err)}`, err));
    const working = new Set<Promise<void>>();
    const unserve = bus.serve(queues.scribe, async (msg) => {
      log.debug(`<< ${describeRequest(msg)}`);
      // The master is paused: the Scribe starts no write until RESUME (those under way finish).
      if (ctx.paused()) {
        scribe.pause();
        ctx.whenRunning().then(() => scribe.resume(), () => undefined);
      }
      const job = scribe.handle(msg).catch((err: unknown) => {
        if (err instanceof TaskStoppedError) throw err; // never started: the task stopped while paused
        log.error(`unable to write the pages of ${describeRequest(msg)}: ${describe(err)}`, err);
      });
      working.add(job);
      try {
        await job;
      } finally {
        working.delete(job);
      }
      return { verb: 'DONE' };
    });
    return {
      async stop() {
        unserve();
        sweeping.abort();
        scribe.abandonHeld(new TaskStoppedError(ctx.id));
        await Promise.allSettled([...working, swept]);
        await scribe.stop();
      },
    };
  },
});
