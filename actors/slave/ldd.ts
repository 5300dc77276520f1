/** The shared libraries an ELF object needs, as `ldd` resolves them on this machine (A.3). */
import { execFile } from 'node:child_process';
import { BuildAbortedError, DependencyAnalysisError } from './errors.js';

/** protocols/README.md §7: each `ldd` call gets 30 s. */
export const LDD_TIMEOUT_MS = 30_000;

// 0.18's pattern: only `name => /abs/path (0xADDR)` lines name a library file.
const LIBRARY_LINE = /^\s*(.*)\s=>\s(\/.*)\s\(0x[0-9a-fA-F]+\)$/;

/** Absolute library paths from `ldd` output, in order; `not found`, vdso and loader lines are skipped. */
export function parseLddOutput(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    const match = LIBRARY_LINE.exec(line);
    if (match) paths.push(match[2]!);
  }
  return paths;
}

export interface LddOptions {
  timeout?: number;
  signal?: AbortSignal;
}

/**
 * Runs `ldd` on one file. A file `ldd` cannot handle (not dynamic, another architecture) has no libraries,
 * as in 0.18; a timeout or a missing `ldd` is an analysis failure; an abort is a stopped build.
 */
export function lddLibraries(file: string, { timeout = LDD_TIMEOUT_MS, signal }: LddOptions = {}): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'ldd',
      [file],
      { timeout, signal, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout) => {
        if (!err) return resolve(parseLddOutput(stdout));
        const failure = err as NodeJS.ErrnoException & { killed?: boolean };
        if (failure.name === 'AbortError') reject(new BuildAbortedError());
        else if (failure.killed) reject(new DependencyAnalysisError(file, `ldd timed out after ${timeout / 1000} s`));
        else if (typeof failure.code === 'string') reject(new DependencyAnalysisError(file, `cannot run ldd: ${failure.message}`));
        else resolve([]);
      },
    );
  });
}
