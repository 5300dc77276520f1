/**
 * Progress of the wheelhouse's transfers on a terminal, drawn by cli-progress: one bar per file in flight
 * (removed when it is done) under one bar for the whole run. Nothing at all when stderr is not a terminal,
 * with -q, or with -v (whose log lines would tear the bars).
 */
import cliProgress from 'cli-progress';
import type { TransferReporter } from '../../actors/wheelhouse/transfers.js';
import { silentTransfers } from '../../actors/wheelhouse/transfers.js';

export type MaybeTty = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface ProgressBars extends TransferReporter {
  /** Leaves the final state on screen and ends the bars. */
  stop(): void;
}

const MIB = 2 ** 20;
const mib = (bytes: number) => (bytes / MIB).toFixed(1);

export function progressBars(stream: MaybeTty, opts: { quiet?: boolean; verbose?: boolean; label: string }): ProgressBars {
  if (!stream.isTTY || opts.quiet || opts.verbose) return { ...silentTransfers, stop() {} };
  const multibar = new cliProgress.MultiBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: '{name} |{bar}| {percentage}% {doneMiB}/{totalMiB} MiB {speed} MiB/s',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      forceRedraw: false,
      fps: 10,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let stopped = false;
  const speed = (bytes: number) => mib(bytes / Math.max((performance.now() - started) / 1000, 1e-3));
  let overallTotal = 0;
  let overallDone = 0;
  const overall = multibar.create(1, 0, { name: opts.label, doneMiB: '0.0', totalMiB: '0.0', speed: '0.0' });
  const files = new Map<string, { bar: cliProgress.SingleBar; done: number; total: number | undefined; started: number }>();
  const width = () => Math.max(Math.min((stream.columns || 80) - 60, 50), 12);
  const label = (name: string) => (name.length > width() ? `${name.slice(0, width() - 1)}…` : name.padEnd(width()));
  const redrawOverall = () => {
    overall.setTotal(Math.max(overallTotal, 1));
    overall.update(overallDone, { doneMiB: mib(overallDone), totalMiB: mib(overallTotal), speed: speed(overallDone) });
  };

  return {
    start(name, total) {
      const bar = multibar.create(Math.max(total ?? 1, 1), 0, { name: label(name), doneMiB: '0.0', totalMiB: total === undefined ? '?' : mib(total), speed: '0.0' });
      files.set(name, { bar, done: 0, total, started: performance.now() });
      if (total !== undefined) overallTotal += total;
      redrawOverall();
    },
    progress(name, done, total) {
      const file = files.get(name);
      if (file === undefined) return;
      if (file.total === undefined && total !== undefined) {
        file.total = total;
        overallTotal += total;
        file.bar.setTotal(Math.max(total, 1));
      }
      overallDone += done - file.done;
      file.done = done;
      const seconds = Math.max((performance.now() - file.started) / 1000, 1e-3);
      file.bar.update(done, { doneMiB: mib(done), totalMiB: file.total === undefined ? '?' : mib(file.total), speed: mib(done / seconds) });
      redrawOverall();
    },
    finish(name) {
      const file = files.get(name);
      if (file === undefined) return;
      files.delete(name);
      multibar.remove(file.bar);
      redrawOverall();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      redrawOverall();
      multibar.stop();
    },
  };
}
