/** Small builders of wire records for the database tests. */
import { createHash } from 'node:crypto';
import { TimeDelta } from '../../protocols/cbor/index.js';
import type { BuildStateWire, FileStateWire } from '../../protocols/records.js';

export function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A wheel of `pkg` `version`: `abi` 'none' makes a pure-Python wheel. */
export function wheel(
  pkg: string,
  version: string,
  abi = 'none',
  opts: { platform?: string; size?: number; deps?: Record<string, string[]>; py?: string } = {},
): FileStateWire {
  const platform = opts.platform ?? (abi === 'none' ? 'any' : 'linux_armv7l');
  const py = opts.py ?? (abi === 'none' ? 'py3' : abi.replace(/m$/, ''));
  const filename = `${pkg.replace(/-/g, '_')}-${version}-${py}-${abi}-${platform}.whl`;
  return [filename, opts.size ?? 1000, hashOf(filename), pkg.replace(/-/g, '_'), version, py, abi, platform, opts.deps ?? {}];
}

/** A build record: successful when `files` is non-empty unless `status` says otherwise. */
export function build(
  pkg: string,
  version: string,
  abi: string,
  files: FileStateWire[] = [],
  opts: { status?: boolean; slave?: number; seconds?: number; output?: string } = {},
): BuildStateWire {
  return [
    opts.slave ?? 1,
    pkg,
    version,
    abi,
    opts.status ?? files.length > 0,
    TimeDelta.fromSeconds(opts.seconds ?? 60),
    opts.output ?? `built ${pkg} ${version}`,
    files,
  ];
}

export const minutesAgo = (m: number, from = Date.now()) => new Date(from - m * 60_000);
export const daysAgo = (d: number, from = Date.now()) => new Date(from - d * 86_400_000);
