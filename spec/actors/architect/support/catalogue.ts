/**
 * A real database (PGlite, our schema) for the Architect specs, with the few rows they need: build ABIs,
 * versions with their release dates and skips, builds with the ABI tags of their wheels. The query the
 * Architect runs is the database's own get_build_queue (`buildQueue`), so the specs check the real thing.
 */
import type { BuildQueuePort } from '../../../../actors/architect/index.js';
import { openBackend, type TestBackend } from '../../../support/postgres.js';
import { build, wheel } from '../../../schema/builders.js';

export class Catalogue {
  private constructor(readonly backend: TestBackend) {}

  static async open(): Promise<Catalogue> {
    return new Catalogue(await openBackend('pglite'));
  }

  /** The Architect's port onto this database. */
  readonly buildQueue: BuildQueuePort = (limit, signal) => this.backend.db.getBuildQueue(limit, { signal });

  async addAbi(abi: string, skip = ''): Promise<this> {
    await this.backend.admin((sql) => sql`INSERT INTO build_abis (abi_tag, skip) VALUES (${abi}, ${skip})`);
    return this;
  }

  async addVersion(pkg: string, version: string, released: Date, skip = ''): Promise<this> {
    await this.backend.db.addNewPackage(pkg);
    await this.backend.db.addNewPackageVersion(pkg, version, released, skip);
    return this;
  }

  /** A build by a slave of `abi`: a failure when `wheelAbis` is empty, else one wheel per ABI tag. */
  async addBuild(pkg: string, version: string, abi: string, wheelAbis: string[]): Promise<this> {
    await this.backend.db.logBuild(build(pkg, version, abi, wheelAbis.map((tag) => wheel(pkg, version, tag))));
    return this;
  }

  /** Empties every table. */
  reset(): Promise<void> {
    return this.backend.reset();
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}
