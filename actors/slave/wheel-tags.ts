/**
 * The PEP 425 tags of a wheel as 0.18 reads them from its filename (behaviour 193, protocols.md §3.1):
 * the `-`-split stem gives package, version, [build,] python, abi, platform; the retired `noabi` is `none`.
 */
import { WheelFilenameError } from './errors.js';

export interface WheelTags {
  packageTag: string;
  packageVersionTag: string;
  /** Present only in a 6-part name. */
  buildTag: string | null;
  pyVersionTag: string;
  abiTag: string;
  platformTag: string;
}

export function wheelTags(filename: string): WheelTags {
  if (!filename.endsWith('.whl') || /[/\\\0]/.test(filename)) throw new WheelFilenameError(filename);
  const parts = filename.slice(0, -'.whl'.length).split('-');
  if ((parts.length !== 5 && parts.length !== 6) || parts.some((part) => part === '')) throw new WheelFilenameError(filename);
  const [packageTag, packageVersionTag] = parts as [string, string];
  const [pyVersionTag, abiTag, platformTag] = parts.slice(-3) as [string, string, string];
  return {
    packageTag,
    packageVersionTag,
    buildTag: parts.length === 6 ? parts[2]! : null,
    pyVersionTag,
    abiTag: abiTag === 'noabi' ? 'none' : abiTag,
    platformTag,
  };
}
