/**
 * What a distribution's file name says: its project and version. Wheels by PEP 427 (`parseWheelFilename`);
 * source distributions as `name-version.tar.gz` or `.zip` (split at the last `-`, as the original
 * wheelhouse-uploader and pip's legacy rule do). Names compare in PEP 503's normal form, versions in
 * PEP 440's, so `Foo_Bar-1.0.0` is foo-bar 1.0. Pure.
 */
import { compareVersions, parseVersion } from '../../protocols/packaging/pep440.js';
import { canonicalizeName, isWheelFilename, parseWheelFilename } from '../../protocols/packaging/wheel-filename.js';

export interface Artifact {
  filename: string;
  /** PEP 503 normal form. */
  project: string;
  /** As written in the name. */
  version: string;
  kind: 'wheel' | 'sdist';
}

const SDIST_SUFFIXES = ['.tar.gz', '.zip', '.tar.bz2', '.tgz'];
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._+!-]*$/;

/** The artifact a file name is, or undefined for anything else (a page, a hidden or hostile name). */
export function parseArtifact(filename: string): Artifact | undefined {
  if (isWheelFilename(filename)) {
    const wheel = parseWheelFilename(filename);
    return { filename, project: canonicalizeName(wheel.distribution), version: wheel.version, kind: 'wheel' };
  }
  if (!PLAIN.test(filename) || Buffer.byteLength(filename) > 255) return undefined;
  const suffix = SDIST_SUFFIXES.find((s) => filename.toLowerCase().endsWith(s));
  if (suffix === undefined) return undefined;
  const stem = filename.slice(0, -suffix.length);
  const dash = stem.lastIndexOf('-');
  if (dash <= 0 || dash === stem.length - 1) return undefined;
  const name = stem.slice(0, dash);
  const version = stem.slice(dash + 1);
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name) || !/^[0-9]/.test(version)) return undefined;
  return { filename, project: canonicalizeName(name), version, kind: 'sdist' };
}

/** PEP 440's normal form (`1.0.0` stays `1.0.0`, `1.0RC1` is `1.0rc1`); a legacy version as written. */
export function normalizeVersion(version: string): string {
  return parseVersion(version).normalized;
}

/** True when `artifact` is of `project` (any spelling) at `version` (compared as PEP 440 versions: 1.0 == 1.0.0). */
export function isArtifactOf(artifact: Artifact, project: string, version: string | undefined): boolean {
  if (artifact.project !== canonicalizeName(project)) return false;
  return version === undefined || sameVersion(artifact.version, version);
}

/** Versions equal as PEP 440 orders them (`1.0 == 1.0.0`, `1.0-1 == 1.0.post1`). */
export function sameVersion(a: string, b: string): boolean {
  return compareVersions(a, b) === 0;
}
