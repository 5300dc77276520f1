/**
 * What the Scribe keeps beside a package's pages (web-templates/README.md §3): the log of every build whose
 * log the site does not have yet (BUILDLOG), and `<wheel>.metadata` (PEP 658) for each wheel whose core
 * metadata the database does not have yet, read from the wheel itself and recorded with SETFILEMETA before
 * any index links the wheel with it. Each build's log and each missing wheel is looked for once per run of
 * the Scribe, not with every page of a rebuild; what is looked for goes to the writer with the package's
 * directories as one survey (`wanted`, then `publish` with the answer).
 */
import { join } from 'node:path';
import type { AtomicWriter, SurveyedFile } from '../support/atomic-writer.js';
import { writeFileAtomic } from '../support/atomic-file.js';
import { isPlainName } from '../support/fs-guard.js';
import { unlinkIfPresent } from '../support/fs-tree.js';
import { readCoreMetadata } from '../support/wheel-metadata.js';
import { MIN_GZIP, logPath, removeLog } from './build-logs.js';
import { BuildSet } from './build-set.js';
import type { ScribeData } from './data.js';
import type { BuildInfo, FileInfo, ProjectModel } from './project-model.js';

/** Wheels read for their metadata, and build logs read from the database, at once for one package. */
const FILE_WORK_CONCURRENCY = 8;
/** What `<wheel>.metadata` is called. */
const metadataName = (filename: string) => `${filename}.metadata`;

/** What the Scribe logs to; the runtime's Logger fits. */
export interface ScribeLog {
  debug(message: string, error?: unknown): void;
  info(message: string, error?: unknown): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

/** What a package's extras need looked for on disk: the survey's `files`, builds first, then wheels. */
export interface Wanted {
  builds: BuildInfo[];
  wheels: FileInfo[];
  files: SurveyedFile[];
}

export class PackageExtras {
  /** Builds whose log the site has (seen or written by this Scribe), and builds the database has none for. */
  readonly #logsOnSite = new BuildSet();
  readonly #logsUnknown = new BuildSet();
  /** Wheels the database lists and the disk lacks, reported already. */
  readonly #wheelsMissing = new Set<string>();

  constructor(
    private readonly deps: { data: ScribeData; writer: AtomicWriter; output: string; log: ScribeLog },
  ) {}

  /** The logs and wheels of `model` to look for on disk. */
  wanted(pkg: string, model: ProjectModel): Wanted {
    const builds = model.releases.flatMap((r) => r.builds).filter((b) => !this.#logsOnSite.has(b.id) && !this.#logsUnknown.has(b.id));
    const wheels = model.files.filter((f) => f.metadataHash === null && isPlainName(f.filename));
    return {
      builds,
      wheels,
      files: [
        ...builds.map((b) => ({ path: logPath(this.deps.output, b.id), minSize: MIN_GZIP })),
        ...wheels.map((f) => ({ path: this.#wheel(pkg, f.filename) })),
      ],
    };
  }

  /**
   * Writes what is missing of `wanted`, given which of its files are `present`, and gives the ids of the
   * builds of `model` whose log the site has (the project page links those).
   */
  async publish(pkg: string, model: ProjectModel, wanted: Wanted, present: readonly boolean[]): Promise<Set<number>> {
    const logs = present.slice(0, wanted.builds.length);
    const wheels = present.slice(wanted.builds.length);
    await Promise.all([this.#publishLogs(wanted.builds, logs), this.#publishMetadata(pkg, wanted.wheels, wheels)]);
    return new Set(model.releases.flatMap((r) => r.builds).filter((b) => this.#logsOnSite.has(b.id)).map((b) => b.id));
  }

  async removeLogs(buildIds: readonly number[]): Promise<void> {
    for (const id of buildIds) {
      this.#logsOnSite.delete(id);
      await removeLog(this.deps.output, id).catch((err: unknown) => this.deps.log.error(`unable to remove the log of build ${id}`, err));
    }
  }

  /** Unlinks `simple/<pkg>/<filename>.metadata`; absent is fine (wheels of earlier versions have none). */
  async removeMetadataFile(pkg: string, filename: string): Promise<void> {
    if (!isPlainName(filename)) return;
    await unlinkIfPresent(join(this.deps.output, 'simple', pkg, metadataName(filename))).catch((err: unknown) =>
      this.deps.log.error(`unable to remove the metadata file of ${filename}`, err),
    );
  }

  #wheel(pkg: string, filename: string): string {
    return join(this.deps.output, 'simple', pkg, filename);
  }

  /**
   * Writes the log of every build the site lacks (BUILDLOG). A log that cannot be read or written is
   * logged; its build is shown without a link.
   */
  async #publishLogs(builds: readonly BuildInfo[], present: readonly boolean[]): Promise<void> {
    const { data, writer, output, log } = this.deps;
    const missing: { id: number; text: string }[] = [];
    await eachLimited(builds, FILE_WORK_CONCURRENCY, async (b, i) => {
      if (present[i]) {
        this.#logsOnSite.add(b.id);
        return;
      }
      try {
        const text = await data.buildLog(b.id);
        if (text === null) this.#logsUnknown.add(b.id);
        else missing.push({ id: b.id, text });
      } catch (err) {
        log.error(`unable to read the log of build ${b.id}`, err);
      }
    });
    const failures = await writer.placeFiles(missing.map(({ id, text }) => ({ path: logPath(output, id), data: text, gzip: true })));
    for (const [i, { id }] of missing.entries()) {
      if (failures[i] === undefined) this.#logsOnSite.add(id);
      else log.error(`unable to write the log of build ${id}`, failures[i]);
    }
  }

  /**
   * Reads the core metadata of every wheel the database has none for, writes `<wheel>.metadata` beside it
   * and records Requires-Python and the metadata's hash (SETFILEMETA), updating `wheels` to match. A wheel
   * that cannot be read (not a zip, no METADATA) is logged and left without; its page is still written,
   * and it is tried again with the package's next page. Wheels missing from the disk are not opened; each
   * is reported once per run of the Scribe, in one line per package, not with every page of a rebuild.
   */
  async #publishMetadata(pkg: string, wheels: readonly FileInfo[], present: readonly boolean[]): Promise<void> {
    const { data, log } = this.deps;
    const absent = wheels.filter((f, i) => !present[i] && !this.#wheelsMissing.has(f.filename));
    for (const f of absent) this.#wheelsMissing.add(f.filename);
    if (absent.length > 0) {
      log.warn(`${absent.length} wheel(s) of ${pkg} missing from ${join(this.deps.output, 'simple', pkg)}, so without metadata: ${absent.map((f) => f.filename).join(', ')}`);
    }
    await eachLimited(wheels.filter((_, i) => present[i]), FILE_WORK_CONCURRENCY, async (f) => {
      const wheel = this.#wheel(pkg, f.filename);
      let metadata;
      try {
        metadata = await readCoreMetadata(wheel, f.filename);
      } catch (err) {
        log.warn(`unable to read the metadata of ${wheel}: ${(err as Error).message}`);
        return;
      }
      if (metadata === undefined) {
        log.warn(`${wheel} has no METADATA`);
        return;
      }
      this.#wheelsMissing.delete(f.filename);
      await writeFileAtomic(join(this.deps.output, 'simple', pkg, metadataName(f.filename)), metadata.bytes);
      await data.setFileMetadata(f.filename, metadata.requiresPython, metadata.sha256);
      f.requiresPython = metadata.requiresPython;
      f.metadataHash = metadata.sha256;
    });
  }
}

/** Runs `work` on every item, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
