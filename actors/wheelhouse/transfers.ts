/**
 * What a long transfer reports as it goes, for whoever shows it (the CLI's progress bars): one call when a
 * file starts, then bytes done so far, then its end. The wheelhouse's uploads, downloads and syncs call
 * these; nothing here draws.
 */
export interface TransferReporter {
  /** `total` is undefined until the source says (an HTTP response without Content-Length never does). */
  start(name: string, total: number | undefined): void;
  progress(name: string, done: number, total?: number): void;
  finish(name: string): void;
}

export const silentTransfers: TransferReporter = { start() {}, progress() {}, finish() {} };

/** One transferred file, as the `--json` summaries list it. */
export interface TransferredFile {
  name: string;
  size: number;
  sha256?: string;
}
