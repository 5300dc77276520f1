/**
 * ScribeData over the database API (schema/api.ts): in the master a DbClient, so every query goes through
 * Seraph and the Oracles as 0.18's Scribe did; a Database works the same (tools, benchmarks).
 *
 * A package's page data (PROJDATA, GETDESC, GETPROJNAME, GETPKGNAMES) and build logs are read in batches
 * (PROJPAGES, BUILDLOGS) of whatever the Scribe's packages ask for at about the same time: a rebuild of
 * the whole site makes a query per batch of packages, not four or more per package. Nothing is kept
 * between batches: a page written later reads the database again.
 */
import type { PiwheelsDb, ProjectPages } from '../../schema/api.js';
import { BatchLoader } from './batch-loader.js';
import type { ScribeData } from './data.js';

type ProjectPage = ProjectPages[string];

export class DbScribeData implements ScribeData {
  readonly #pages: BatchLoader<string, ProjectPage>;
  readonly #logs: BatchLoader<number, string | null>;

  constructor(private readonly db: PiwheelsDb) {
    this.#pages = new BatchLoader(async (pkgs) => new Map(Object.entries(await db.getProjectPages(pkgs))), { missing: [[[], []], null, null, []] });
    this.#logs = new BatchLoader(async (ids) => new Map(Object.entries(await db.getBuildLogs(ids)).map(([id, log]) => [Number(id), log])), { missing: null, max: 1024 });
  }

  allPackages() {
    return this.db.getAllPackages();
  }
  async projectData(pkg: string) {
    return (await this.#pages.load(pkg))[0];
  }
  async description(pkg: string) {
    return (await this.#pages.load(pkg))[1];
  }
  async displayName(pkg: string) {
    return (await this.#pages.load(pkg))[2];
  }
  async aliases(pkg: string) {
    return (await this.#pages.load(pkg))[3];
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
    return this.#logs.load(buildId);
  }
}
