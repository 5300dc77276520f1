/**
 * piw-import's upload progress: one line redrawn on a terminal while a large file is sent, then left
 * showing the total. Nothing at all when the stream is not a terminal, with -q, or for small files.
 */
export const PROGRESS_MIN_BYTES = 1 << 20;
const REDRAW_MS = 100;
const BAR = 24;

export interface Progress {
  update(sent: number, total: number): void;
  /** The file is sent: draw the final state and end the line. */
  finish(): void;
}

const none: Progress = { update() {}, finish() {} };

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

/** A stream that may be a terminal (process.stderr, or what a command was given). */
export type MaybeTty = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export function progressFor(stream: MaybeTty, filename: string, size: number, opts: { quiet?: boolean; now?: () => number } = {}): Progress {
  if (!stream.isTTY || opts.quiet || size < PROGRESS_MIN_BYTES) return none;
  const now = opts.now ?? (() => performance.now());
  const started = now();
  let drawn = -Infinity;
  let last = 0;
  const draw = (sent: number, total: number) => {
    last = sent;
    const fraction = total === 0 ? 1 : sent / total;
    const filled = Math.round(fraction * BAR);
    const seconds = Math.max((now() - started) / 1000, 1e-3);
    const tail = ` ${String(Math.floor(fraction * 100)).padStart(3)}% [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${mib(sent)}/${mib(total)} MiB ${mib(sent / seconds)} MiB/s`;
    const room = Math.max((stream.columns || 80) - tail.length - 1, 10);
    const name = filename.length > room ? `${filename.slice(0, room - 1)}…` : filename;
    stream.write(`\r${name}${tail}\x1b[K`);
  };
  return {
    update(sent, total) {
      if (sent < total && now() - drawn < REDRAW_MS) {
        last = sent;
        return;
      }
      drawn = now();
      draw(sent, total);
    },
    finish() {
      draw(Math.max(last, size), size);
      stream.write('\n');
    },
  };
}
