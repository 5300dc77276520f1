/**
 * ScribeData over the database API (schema/api.ts): in the master a DbClient, so every query goes through
 * Seraph and the Oracles as 0.18's Scribe did; a Database works the same (tools, benchmarks).
 */
import type { PiwheelsDb } from '../../schema/api.js';
import type { ScribeData } from './data.js';

export class DbScribeData implements ScribeData {
  constructor(private readonly db: PiwheelsDb) {}

  allPackages() {
    return this.db.getAllPackages();
  }
  projectData(pkg: string) {
    return this.db.getProjectData(pkg);
  }
  description(pkg: string) {
    return this.db.getPackageDescription(pkg);
  }
  displayName(pkg: string) {
    return this.db.getProjectDisplayName(pkg);
  }
  aliases(pkg: string) {
    return this.db.getPackageAliases(pkg);
  }
  packageFiles(pkg: string) {
    return this.db.getPackageFiles(pkg);
  }
  versionFiles(pkg: string, version: string) {
    return this.db.getVersionFiles(pkg, version);
  }
  setFileMetadata(filename: string, requiresPython: string | null, coreMetadataHash: string) {
    return this.db.setFileMetadata(filename, requiresPython, coreMetadataHash);
  }
  buildLog(buildId: number) {
    return this.db.getBuildLog(buildId);
  }
}
