/**
 * What the Scribe reads, one method per Oracle verb it uses, with the result shapes of `oracleResults`
 * (protocols/the-oracle.ts). A DbClient satisfies it by forwarding each call to its verb; tests and
 * benchmarks use MemoryScribeData.
 */
import type { OracleResult } from '../../protocols/the-oracle.js';

/** `[version, skipped, builds_succeeded, builds_failed, yanked]` */
export type ProjectVersionRow = OracleResult<'PROJVERS'>[number];
/** `[version, abi_tag, filename, filesize, filehash, yanked]` */
export type ProjectFileRow = OracleResult<'PROJFILES'>[number];

export interface ScribeData {
  /** ALLPKGS: every known package, built or not, skipped or not. */
  allPackages(): Promise<OracleResult<'ALLPKGS'>>;
  /** PROJVERS */
  projectVersions(pkg: string): Promise<OracleResult<'PROJVERS'>>;
  /** PROJFILES: files of successful builds (armv6l twins included). */
  projectFiles(pkg: string): Promise<OracleResult<'PROJFILES'>>;
  /** FILEDEPS: apt dependencies of a file, minus those preinstalled for its ABI. */
  fileDependencies(filename: string): Promise<OracleResult<'FILEDEPS'>>;
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
}
