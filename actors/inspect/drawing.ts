/**
 * The live view's pictures: each catalogue chart drawn by `drawChart` (actors/chart-drawing) in a worker
 * thread (draw-worker.ts), so a layout never holds up the master. The worker starts at the first picture
 * asked for and ends once it has been idle `idleMs` (the server keeps each picture, so it is seldom
 * needed again), and it never keeps the process alive.
 */
import { Worker } from 'node:worker_threads';

export interface ChartDrawer {
  draw(name: string): Promise<{ svg: string }>;
  close(): Promise<void>;
}

/** The worker's module beside this one: `.js` in dist/; from the sources (tests, tsx) `.ts`, loaded through tsx. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER = new URL(FROM_SOURCES ? './draw-worker.ts' : './draw-worker.js', import.meta.url);

function spawnWorker(): Worker {
  if (!FROM_SOURCES) return new Worker(WORKER);
  // A worker does not inherit the loader hooks of its parent's `--import tsx`: it registers them itself.
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER.href)}); })`;
  return new Worker(boot, { eval: true });
}

export function workerDrawer(opts: { idleMs?: number } = {}): ChartDrawer {
  const idleMs = opts.idleMs ?? 30_000;
  let worker: Worker | undefined;
  let idle: NodeJS.Timeout | undefined;
  let next = 0;
  const waiting = new Map<number, { resolve: (svg: { svg: string }) => void; reject: (err: Error) => void }>();

  const stop = () => {
    const w = worker;
    worker = undefined;
    for (const { reject } of waiting.values()) reject(new Error('the chart drawing worker stopped'));
    waiting.clear();
    return w?.terminate();
  };
  const start = (): Worker => {
    const w = spawnWorker();
    w.unref();
    w.on('message', ({ id, svg, error }: { id: number; svg?: string; error?: string }) => {
      const wait = waiting.get(id);
      waiting.delete(id);
      if (error !== undefined) wait?.reject(new Error(error));
      else wait?.resolve({ svg: svg! });
      if (waiting.size === 0) idle = setTimeout(() => void stop(), idleMs).unref();
    });
    w.on('error', (err) => {
      if (worker === w) worker = undefined;
      for (const { reject } of waiting.values()) reject(err);
      waiting.clear();
      void w.terminate();
    });
    return w;
  };

  return {
    draw(name) {
      clearTimeout(idle);
      worker ??= start();
      const id = next++;
      const w = worker;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, name });
      });
    },
    async close() {
      clearTimeout(idle);
      await stop();
    },
  };
}
