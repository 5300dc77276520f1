/**
 * Wheel filenames (PEP 427) and PEP 503 project names: the checks every peer that turns a filename into a
 * path must make first. A name from the wire is hostile until `parseWheelFilename` accepts it: it must be
 * one plain file name (no NUL, no path separator, no leading dot, at most 255 bytes) of the form
 * `name-version[-build]-python-abi-platform.whl`. Used by Mr Chase, the File Juggler, the slave and
 * piw-import. Pure: no I/O.
 */
import { defineError } from '../errors.js';
import type { FileStateWire } from '../records.js';
import { dependenciesProblem } from './dependencies.js';
import { compareParsed, parseVersion } from './pep440.js';

/** PEP 503 normalisation: lower case, every run of `-`, `_` and `.` becomes one `-`. */
export function canonicalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

const PROJECT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** True for a valid project name (PEP 508: letters, digits, `.`, `_`, `-`; alphanumeric at both ends). */
export function isProjectName(name: string): boolean {
  return typeof name === 'string' && PROJECT_NAME.test(name);
}

/** The parts of a wheel filename, as written. */
export interface WheelFilename {
  readonly filename: string;
  /** The distribution part (PEP 427 escapes `-` as `_`, so compare with `canonicalizeName`). */
  readonly distribution: string;
  readonly version: string;
  readonly build: string | null;
  readonly pythonTag: string;
  readonly abiTag: string;
  readonly platformTag: string;
}

export const InvalidWheelFilenameError = defineError('PIW_ERR_INVALID_WHEEL_FILENAME', (filename: string, reason: string) => ({
  message: `invalid wheel filename ${quote(filename)}: ${reason}`,
  filename,
  reason,
}));
export type InvalidWheelFilenameError = InstanceType<typeof InvalidWheelFilenameError>;

/** A filename for a message: JSON-quoted (so NUL and control characters show) and cut at 100 characters. */
function quote(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+!]*$/;
const BUILD = /^[0-9][A-Za-z0-9._]*$/;
const TAG = /^[A-Za-z0-9][A-Za-z0-9._]*$/;
const UNPRINTABLE = /[\s\p{Cc}]/u;
const MAX_BYTES = 255;

function problemOf(filename: string): string | WheelFilename {
  if (filename === '') return 'empty name';
  if (filename.includes('\0')) return 'contains a NUL byte';
  if (filename.includes('/') || filename.includes('\\')) return 'contains a path separator';
  if (filename.startsWith('.')) return 'starts with a dot';
  if (UNPRINTABLE.test(filename)) return 'contains whitespace or control characters';
  if (Buffer.byteLength(filename, 'utf8') > MAX_BYTES) return `longer than ${MAX_BYTES} bytes`;
  if (!filename.endsWith('.whl')) return 'does not end in .whl';
  const parts = filename.slice(0, -'.whl'.length).split('-');
  if (parts.length !== 5 && parts.length !== 6) {
    return 'not of the form name-version[-build]-python-abi-platform.whl (PEP 427)';
  }
  const [distribution, version] = parts as [string, string];
  const build = parts.length === 6 ? parts[2]! : null;
  const [pythonTag, abiTag, platformTag] = parts.slice(-3) as [string, string, string];
  if (!NAME.test(distribution)) return `bad name part ${quote(distribution)}`;
  if (!VERSION.test(version)) return `bad version part ${quote(version)}`;
  if (build !== null && !BUILD.test(build)) return `bad build tag ${quote(build)} (must start with a digit)`;
  if (!TAG.test(pythonTag)) return `bad python tag ${quote(pythonTag)}`;
  if (!TAG.test(abiTag)) return `bad ABI tag ${quote(abiTag)}`;
  if (!TAG.test(platformTag)) return `bad platform tag ${quote(platformTag)}`;
  return { filename, distribution, version, build, pythonTag, abiTag, platformTag };
}

/** The parts of `filename`, or an `InvalidWheelFilenameError` saying what is wrong with it. */
export function parseWheelFilename(filename: string): WheelFilename {
  const result = typeof filename === 'string' ? problemOf(filename) : 'not a string';
  if (typeof result === 'string') throw new InvalidWheelFilenameError(String(filename), result);
  return result;
}

/** True when `filename` is a plain PEP 427 wheel filename. */
export function isWheelFilename(filename: string): boolean {
  return typeof filename === 'string' && typeof problemOf(filename) !== 'string';
}

/** The five tags a file state carries (protocols/README.md §3.1): `noabi` is recorded as `none`. */
export function fileTags(wheel: WheelFilename): {
  packageTag: string;
  packageVersionTag: string;
  pyVersionTag: string;
  abiTag: string;
  platformTag: string;
} {
  return {
    packageTag: wheel.distribution,
    packageVersionTag: wheel.version,
    pyVersionTag: wheel.pythonTag,
    abiTag: wheel.abiTag === 'noabi' ? 'none' : wheel.abiTag,
    platformTag: wheel.platformTag,
  };
}

const ARMV7L = 'linux_armv7l';
const ARMV6L = 'linux_armv6l';

/**
 * The name of the `linux_armv6l` twin of a `linux_armv7l` wheel (the same file serves both: the File
 * Juggler links it, behaviour 83); `undefined` for any other wheel.
 */
export function armv6lTwinName(filename: string): string | undefined {
  const suffix = `-${ARMV7L}.whl`;
  return filename.endsWith(suffix) ? `${filename.slice(0, -suffix.length)}-${ARMV6L}.whl` : undefined;
}

/**
 * The armv6l twin of a `linux_armv7l` file state: same size, hash, tags and dependencies, platform
 * `linux_armv6l` (behaviours 52 and 91). `undefined` for any other platform.
 */
export function armv6lTwin(file: FileStateWire): FileStateWire | undefined {
  const [filename, filesize, filehash, packageTag, versionTag, pyTag, abiTag, platformTag, dependencies] = file;
  const twinName = platformTag === ARMV7L ? armv6lTwinName(filename) : undefined;
  if (twinName === undefined) return undefined;
  return [twinName, filesize, filehash, packageTag, versionTag, pyTag, abiTag, ARMV6L, dependencies];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Whether the version part of a wheel's name is `version`: the same text (with `-` written `_`, as PEP 427
 * escapes it), or the same PEP 440 version (`1.0-beta` and `1.0b0`).
 */
export function isVersionOf(wheelVersion: string, version: string): boolean {
  if (wheelVersion === version || wheelVersion === version.replace(/-/g, '_')) return true;
  const a = parseVersion(wheelVersion);
  const b = parseVersion(version);
  return !a.legacy && !b.legacy && compareParsed(a, b) === 0;
}

/**
 * What is wrong with a file state that claims to belong to `pkg` (and `version`, when given: a slave's build
 * is of one version, while piw-import may bring wheels of others), or `undefined` when nothing is: its
 * filename must be a plain wheel filename of that package (compared canonically) and version (so a build
 * cannot take over another package's file row by naming its file), its five tags must be the ones
 * its name gives, its size a non-negative integer, its hash 64 lowercase hex digits (the form the File
 * Juggler compares against, so anything else could never verify) and its dependencies well-formed names
 * (dependencies.ts: the apt ones end up in a shell command on the project page).
 */
export function fileStateProblem(file: FileStateWire, pkg: string, version?: string): string | undefined {
  const [filename, filesize, filehash, packageTag, versionTag, pyTag, abiTag, platformTag, dependencies] = file;
  let wheel: WheelFilename;
  try {
    wheel = parseWheelFilename(filename);
  } catch (err) {
    return (err as Error).message;
  }
  if (canonicalizeName(wheel.distribution) !== canonicalizeName(pkg)) {
    return `wheel ${quote(filename)} is not a file of package ${quote(pkg)}`;
  }
  if (version !== undefined && !isVersionOf(wheel.version, version)) {
    return `wheel ${quote(filename)} is not a file of ${quote(pkg)} version ${quote(version)}`;
  }
  const tags = fileTags(wheel);
  const claimed = [packageTag, versionTag, pyTag, abiTag, platformTag];
  const actual = [tags.packageTag, tags.packageVersionTag, tags.pyVersionTag, tags.abiTag, tags.platformTag];
  if (claimed.some((tag, i) => tag !== actual[i])) {
    return `the tags of ${quote(filename)} (${claimed.join(', ')}) do not match its name (${actual.join(', ')})`;
  }
  if (!Number.isSafeInteger(filesize) || filesize < 0) return `invalid size for ${quote(filename)}: ${filesize}`;
  if (!SHA256_HEX.test(filehash)) {
    return `invalid hash for ${quote(filename)}: expected 64 lowercase hex digits of SHA-256`;
  }
  return dependenciesProblem(filename, dependencies);
}

/** The first problem of a successful build's files (fileStateProblem), or undefined. */
export function buildFilesProblem(pkg: string, version: string, files: readonly FileStateWire[]): string | undefined {
  for (const file of files) {
    const problem = fileStateProblem(file, pkg, version);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
