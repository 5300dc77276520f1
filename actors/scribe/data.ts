/**
 * What the Scribe reads and records, one method per Oracle verb it uses, with the result shapes of
 * `oracleResults` (protocols/oracle.ts). A DbClient satisfies it by forwarding each call to its verb;
 * tests and benchmarks use MemoryScribeData.
 */
import type { OracleResult } from '../../protocols/oracle.js';

export interface ScribeData {
  /** ALLPKGS: every known package, built or not, skipped or not. */
  allPackages(): Promise<OracleResult<'ALLPKGS'>>;
  /** PROJDATA: every version with its builds, every file of successful builds (armv6l twins included). */
  projectData(pkg: string): Promise<OracleResult<'PROJDATA'>>;
  /** GETDESC */
  description(pkg: string): Promise<OracleResult<'GETDESC'>>;
  /** GETPROJNAME: the most recently seen spelling. */
  displayName(pkg: string): Promise<OracleResult<'GETPROJNAME'>>;
  /** GETPKGNAMES: every other spelling of the package. */
  aliases(pkg: string): Promise<OracleResult<'GETPKGNAMES'>>;
  /** PKGFILES: filename → hash of the package's successful builds. */
  packageFiles(pkg: string): Promise<OracleResult<'PKGFILES'>>;
  /** VERFILES: filenames of the version's successful builds. */
  versionFiles(pkg: string, version: string): Promise<OracleResult<'VERFILES'>>;
  /** SETFILEMETA: what the Scribe read from a wheel's METADATA. */
  setFileMetadata(filename: string, requiresPython: string | null, coreMetadataHash: string): Promise<void>;
  /** BUILDLOG: a build's output; null for an unknown build. */
  buildLog(buildId: number): Promise<OracleResult<'BUILDLOG'>>;
}
