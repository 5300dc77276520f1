/** Pure helpers for a finished build's files: armv6l twins, filename order, the LOGBUILD record. */
import { armv6lTwin } from '../../protocols/packaging/wheel-filename.js';
import type { BuildStateWire, FileStateWire, SessionBuild, TransferFile } from './types.js';

/** Python's default string order (code points) for ASCII filenames; locale-independent. */
export function byFilename(a: TransferFile, b: TransferFile): number {
  const x = a.file[0];
  const y = b.file[0];
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The files of a successful BUILT as the session tracks them (behaviour 52): one entry per filename (a
 * later duplicate replaces an earlier one, as 0.18's dict did), plus a pre-transferred armv6l twin for each
 * armv7l wheel unless the slave already sent a file of that name, sorted by filename. The File Juggler
 * links the twin to the armv7l file when it commits it (behaviour 83), so the twin is born transferred.
 */
export function prepareFiles(files: readonly FileStateWire[]): TransferFile[] {
  const byName = new Map<string, TransferFile>();
  for (const file of files) byName.set(file[0], { file, transferred: false });
  for (const { file } of [...byName.values()]) {
    const twin = armv6lTwin(file);
    if (twin && !byName.has(twin[0])) byName.set(twin[0], { file: twin, transferred: true });
  }
  return [...byName.values()].sort(byFilename);
}

/** Index of the first file not yet transferred at or after `from`, or -1 when all are. */
export function nextUntransferred(files: readonly TransferFile[], from = 0): number {
  for (let i = from; i < files.length; i++) if (!files[i]!.transferred) return i;
  return -1;
}

/** `files` with entry `index` marked transferred (a new array; the context stays immutable). */
export function markTransferred(files: readonly TransferFile[], index: number): TransferFile[] {
  return files.map((f, i) => (i === index ? { file: f.file, transferred: true } : f));
}

/**
 * The LOGBUILD record (protocols/README.md §3.2) for a build with its result: the builder's ABI is the slave's
 * native ABI, never the wheels' own (A.2); a failed build is logged without files (0.18 would log the
 * names of wheels it never received); files are sorted by filename.
 */
export function buildRecord(slaveId: number, abi: string, build: SessionBuild): BuildStateWire {
  if (build.status === undefined || build.duration === undefined || build.output === undefined) {
    throw new TypeError(`build ${build.package} ${build.version} has no result to log`);
  }
  const files = build.status ? (build.files ?? []).map((f) => f.file) : [];
  return [slaveId, build.package, build.version, abi, build.status, build.duration, build.output, files];
}
