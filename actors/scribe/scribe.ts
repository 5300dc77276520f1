/**
 * The Scribe (web-templates/README.md §2–§5, behaviours 138–156): writes every file of the site except wheels, one
 * method per verb of the scribe queue. Every file is written atomically; long lists render in chunks, and
 * a package's pages, JSON files and logs are written by worker threads (AtomicWriter), so the event loop
 * (which also answers the slaves) is never held for long and spends no time on system calls. Calls may overlap: work on one package is done in call order, different packages proceed
 * concurrently, and rewrites of the root index requested meanwhile fold into one (that order is the chart of
 * machines/scribe; this class does the writing).
 *
 * Beyond 0.18, with each package's pages it writes (from one PROJDATA query):
 * - the PEP 691 JSON beside each index page (`simple/index.json`, `simple/<pkg>/index.json`);
 * - piwheels' project JSON (`project/<pkg>/json/index.json`);
 * - `<wheel>.metadata` (PEP 658) for each wheel whose core metadata the database does not have yet, read
 *   from the wheel itself (its central directory and METADATA member only) and recorded with SETFILEMETA,
 *   before any index links the wheel with it: a wheel is read once, when the index that first lists it is
 *   written (after it arrived from a slave or piw-import), or on a rebuild for wheels of older versions;
 * - the build log of every build whose log the site does not have yet (BUILDLOG), gzip-compressed where
 *   piwheels keeps them, so the project page can link each build, failed ones included.
 * (those two in package-extras.ts; packages.json in search-index.ts). DELVER and DELPKG remove the metadata
 * files and the build logs with the wheels and pages.
 */
import { mkdir, readFile, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSchedulerMachine, type RefreshTarget } from '../../machines/scribe/index.js';
import type { MasterStatsWire } from '../../protocols/records.js';
import type { Message } from '../../protocols/protocol.js';
import type { theScribeProtocol } from '../../protocols/scribe.js';
import type { ProjectData } from '../../schema/api.js';
import { startChild, type Child, type TaskChildren } from '../runtime/task-machine.js';
import { tempNameOwner, writeFileAtomic, type FileContent } from '../support/atomic-file.js';
import { AtomicWriter } from '../support/atomic-writer.js';
import { staleUnlessOurs, sweepTree, type SweepResult } from '../support/temp-sweep.js';
import { assertPlainName, isPlainName } from '../support/fs-guard.js';
import { mkdirReplacingSymlink, symlinkRelative, unlinkIfPresent } from '../support/fs-tree.js';
import type { ScribeData } from './data.js';
import { localDate } from './format.js';
import { projectJson, simpleProjectJson, simpleRootJson } from './json-pages.js';
import { PackageCache } from './package-cache.js';
import { PackageExtras, type ScribeLog } from './package-extras.js';
import { LIST_CHUNK, readSearchIndex, searchIndexChunks } from './search-index.js';
import { Turns } from './turns.js';
import { projectModel } from './project-model.js';
import { DEFAULT_SITE, Templates } from './templates.js';
import type { SiteInfo } from './templates.js';
import { STATIC_SITEMAP_PAGES, fileRow, homeView, indexLink, installFile, projectView, sitemapChunks, versionRow } from './views.js';

/** A message of the scribe queue. */
export type ScribeRequest = Message<(typeof theScribeProtocol)['recv']>;

export type { ScribeLog } from './package-extras.js';

export interface ScribeOptions {
  data: ScribeData;
  /** The output directory (`--output-path`). */
  output: string;
  log?: ScribeLog;
  /** The clock for "Page last updated" and sitemap dates. */
  now?: () => Date;
  site?: Partial<SiteInfo>;
  /** Another `web-templates/` folder. */
  templatesDir?: string;
  /** What writes the packages' pages and logs (default: one of its own, with 4 workers). */
  writer?: AtomicWriter;
  /** The task the Scribe works in: its write scheduling runs there as the child `write-scheduler` (else on its own). */
  task?: TaskChildren;
}

/** URLs per sitemap file (the sitemaps protocol's limit). */
export const SITEMAP_SIZE = 50_000;
/** Table rows and package links rendered between turns of the event loop. */
export const ROW_CHUNK = 500;
/** The pages rendered once at start-up. */
export const STATIC_PAGES = ['faq', 'packages', 'stats', 'json', '404'];

const silent: ScribeLog = { debug() {}, info() {}, warn() {}, error() {} };

export class Scribe {
  private readonly data: ScribeData;
  private readonly output: string;
  private readonly log: ScribeLog;
  private readonly now: () => Date;
  private readonly templates: Templates;
  private readonly writer: AtomicWriter;
  private readonly cache = new PackageCache();
  /** Build logs and wheels' metadata beside the pages. */
  private readonly extras: PackageExtras;
  /** Where each package's pages are rendered: one package a turn of the event loop. */
  private readonly turns = new Turns();
  /** What packages.json holds: package → [downloads in 30 days, all downloads]. */
  private downloads = new Map<string, [number, number]>();
  /** Jobs submitted and not yet started, and callers waiting for a rewrite of an index, by id. */
  private readonly jobs = new Map<number, { run: () => Promise<void>; reject: (err: unknown) => void }>();
  private readonly refreshWaiters = new Map<number, { resolve: () => void; reject: (err: unknown) => void }>();
  private lastId = 0;
  private schedulerPaused = false;
  /** The order writes run in (machines/scribe): this supplies the writing. */
  private readonly scheduling: Child<typeof writeSchedulerMachine>;

  constructor(options: ScribeOptions) {
    this.data = options.data;
    this.output = options.output;
    this.log = options.log ?? silent;
    this.now = options.now ?? (() => new Date());
    this.templates = new Templates({ ...DEFAULT_SITE, ...options.site }, options.templatesDir);
    this.writer = options.writer ?? new AtomicWriter();
    this.extras = new PackageExtras({ data: this.data, writer: this.writer, output: this.output, log: this.log });
    this.scheduling = startChild(options.task, this.schedulerLogic(), { id: 'write-scheduler', input: undefined });
  }

  /** The write scheduling's chart with the writing supplied. */
  private schedulerLogic() {
    return writeSchedulerMachine.provide({
      actions: {
        run: (_, { id, key }) => {
          const job = this.jobs.get(id);
          this.jobs.delete(id);
          if (job === undefined) return;
          void job.run().finally(() => this.scheduling.actor.send({ type: 'FINISHED', id, key }));
        },
        refresh: (_, { target }) => {
          const write = target === 'rootIndex' ? this.writeRootIndex() : this.writeSearchIndex();
          write.then(
            () => this.scheduling.actor.send({ type: 'REFRESHED', target }),
            (error: unknown) => this.scheduling.actor.send({ type: 'REFRESHED', target, error }),
          );
        },
        refreshed: (_, { ids, error }) => {
          for (const id of ids) {
            const waiter = this.refreshWaiters.get(id);
            this.refreshWaiters.delete(id);
            if (error === undefined) waiter?.resolve();
            else waiter?.reject(error);
          }
        },
      },
    });
  }

  /** The packages the root index lists, sorted. */
  get packages(): string[] {
    return this.cache.list();
  }

  /**
   * Removes the temp files an earlier run left when it was killed mid-write (tempPathFor names, anywhere in
   * the output tree: pages, JSON, `.metadata` files, build logs); this run's own are left alone. The File
   * Juggler sweeps its transfers'.
   */
  async sweepTempFiles(signal?: AbortSignal): Promise<SweepResult> {
    const since = performance.timeOrigin;
    const result = await sweepTree(
      this.output,
      (name, path) => {
        const pid = tempNameOwner(name);
        return pid !== undefined && staleUnlessOurs(path, pid, since);
      },
      this.log,
      signal,
    );
    if (result.removed > 0) this.log.info(`removed ${result.removed} temp files of pages left by an earlier run`);
    return result;
  }

  /** Start-up (§2, behaviours 138–139): directories, static assets and pages, the package cache, the root index. */
  async start(): Promise<void> {
    await mkdir(this.output, { recursive: true });
    await mkdir(this.path('simple'), { recursive: true });
    await mkdir(this.path('project'), { recursive: true });
    for (const name of await this.templates.staticAssets()) {
      await writeFileAtomic(this.path(name), await readFile(join(this.templates.dir, 'static', name)));
    }
    for (const page of STATIC_PAGES) {
      await writeFileAtomic(this.path(`${page}.html`), this.templates.render(`pages/${page}.html`, { page }));
    }
    await this.cache.load(await this.data.allPackages());
    this.log.info(`loaded ${this.cache.size} packages`);
    if (!(await exists(this.path('simple', 'index.html'))) || !(await exists(this.path('simple', 'index.json')))) await this.refresh('rootIndex');
    // Search works from the start and finds new packages at once, not at the next SEARCH (every 5 min):
    // the counts written last, or none, and every known package.
    const written = await readSearchIndex(this.path('packages.json'));
    let unlisted = 0;
    for (const pkg of this.cache.list()) {
      const counts = written.get(pkg);
      if (counts === undefined) unlisted++;
      this.downloads.set(pkg, counts ?? [0, 0]);
    }
    if (unlisted > 0 || written.size === 0) await this.refresh('searchIndex');
  }

  /** Ends the writer's workers, once every request has been carried out; nothing more can be written. */
  async stop(): Promise<void> {
    await this.writer.stop();
    this.scheduling.stop();
  }

  /** Carries out one scribe-queue request; the caller answers DONE once this resolves. */
  async handle(msg: ScribeRequest): Promise<void> {
    switch (msg.verb) {
      case 'PROJECT':
        return this.project(msg.data);
      case 'BOTH':
        return this.both(msg.data);
      case 'DELVER':
        return this.delver(msg.data[0], msg.data[1]);
      case 'DELPKG':
        return this.delpkg(msg.data);
      case 'HOME':
        return this.home(msg.data);
      case 'SEARCH':
        return this.search(msg.data);
    }
  }

  /** PROJECT: the project page and project JSON only (behaviour 145). */
  async project(pkg: string): Promise<void> {
    assertPlainName(pkg, 'package');
    await this.inTurn(`pkg:${pkg}`, () => this.writePackage(pkg, { index: false }));
  }

  /**
   * BOTH: package index (HTML and JSON), project page and project JSON; a package new to the cache also
   * rewrites the root index (144).
   */
  async both(pkg: string): Promise<void> {
    assertPlainName(pkg, 'package');
    const rootIndex = await this.inTurn(`pkg:${pkg}`, async () => {
      await this.writePackage(pkg, { index: true });
      // listed only once its own index exists; in this package's turn, so a DELPKG queued behind us wins
      if (!this.cache.add(pkg)) return null;
      if (!this.downloads.has(pkg)) this.downloads.set(pkg, [0, 0]);
      return Promise.all([this.refresh('rootIndex'), this.refresh('searchIndex')]);
    });
    await rootIndex;
  }

  /** DELVER (behaviour 152): the version's wheels, metadata files and build logs go; both pages are rewritten without it. */
  async delver(pkg: string, version: string): Promise<void> {
    assertPlainName(pkg, 'package');
    await this.inTurn(`pkg:${pkg}`, async () => {
      for (const filename of await this.data.versionFiles(pkg, version)) {
        await this.removeFile(['simple', pkg], filename);
        await this.extras.removeMetadataFile(pkg, filename);
      }
      const data = await this.data.projectData(pkg);
      await this.extras.removeLogs(data[0].filter(([v]) => v === version).flatMap(([, , , , , builds]) => builds.map(([id]) => id)));
      await this.writePackage(pkg, { index: true, exclude: version, data });
    });
  }

  /**
   * DELPKG (behaviours 153–155): drops the package from the root index, then removes its alias links, its
   * wheels and their metadata files, its build logs, both index pages, the JSON files and the directories.
   * An empty or unsafe name is refused before anything is touched; missing files and directories that
   * will not go are logged, not fatal.
   */
  async delpkg(pkg: string): Promise<void> {
    assertPlainName(pkg, 'package');
    await this.inTurn(`pkg:${pkg}`, async () => {
      if (this.cache.delete(pkg)) await this.refresh('rootIndex'); // pip stops seeing it before its files go
      if (this.downloads.delete(pkg)) await this.refresh('searchIndex');
      for (const alias of await this.data.aliases(pkg)) await this.removeFile(['project'], alias);
      for (const filename of Object.keys(await this.data.packageFiles(pkg))) {
        await this.removeFile(['simple', pkg], filename);
        await this.extras.removeMetadataFile(pkg, filename);
      }
      const [releases] = await this.data.projectData(pkg);
      await this.extras.removeLogs(releases.flatMap(([, , , , , builds]) => builds.map(([id]) => id)));
      await this.removeFile(['simple', pkg], 'index.html');
      await this.removeFile(['simple', pkg], 'index.json');
      await this.removeFile(['project', pkg], 'index.html');
      await this.removeFile(['project', pkg, 'json'], 'index.json');
      for (const dir of [this.path('simple', pkg), this.path('project', pkg, 'json'), this.path('project', pkg)]) {
        await rmdir(dir).catch((err: unknown) => this.log.error(`unable to remove directory ${dir}`, err));
      }
    });
  }

  /** HOME (behaviour 140): the home page and the sitemaps. */
  async home(stats: MasterStatsWire): Promise<void> {
    await this.inTurn('home', async () => {
      const now = this.now();
      await writeFileAtomic(this.path('index.html'), this.templates.render('pages/index.html', homeView(stats, now)));
      await this.writeSitemaps(now);
    });
  }

  /** SEARCH (behaviour 141): packages.json, `[package, downloads_30_days, downloads_all]` in the map's order. */
  async search(downloads: Record<string, [number, number]>): Promise<void> {
    this.downloads = new Map(Object.entries(downloads));
    // a package added since the query that made `downloads` stays searchable
    for (const pkg of this.cache.list()) if (!this.downloads.has(pkg)) this.downloads.set(pkg, [0, 0]);
    await this.refresh('searchIndex');
  }

  /**
   * Pauses the start of writes (behaviour 17): requests wait, in order, until `resume`; writes already
   * under way finish. The Scribe task calls it when a request finds the master paused.
   */
  pause(): void {
    if (this.schedulerPaused) return;
    this.schedulerPaused = true;
    this.scheduling.actor.send({ type: 'PAUSE' });
  }

  resume(): void {
    if (!this.schedulerPaused) return;
    this.schedulerPaused = false;
    this.scheduling.actor.send({ type: 'RESUME' });
  }

  /** While paused, refuses every write held back (the task stopping) with `error`; others run their course. */
  abandonHeld(error: unknown): void {
    if (!this.schedulerPaused) return;
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
  }

  /** Runs `task` in the turn of `key`: after the tasks of that key asked for before it, beside other keys'. */
  private inTurn<T>(key: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const id = ++this.lastId;
      this.jobs.set(id, {
        run: async () => {
          try {
            resolve(await task());
          } catch (err) {
            reject(err);
          }
        },
        reject,
      });
      this.scheduling.actor.send({ type: 'SUBMIT', id, key });
    });
  }

  /** Resolves once a rewrite of `target` that started after this call has ended (rejects if it failed). */
  private refresh(target: RefreshTarget): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const id = ++this.lastId;
      this.refreshWaiters.set(id, { resolve, reject });
      this.scheduling.actor.send({ type: 'REFRESH', id, target });
    });
  }

  /** packages.json (behaviour 141), from what `downloads` holds when the rewrite starts. */
  private writeSearchIndex(): Promise<void> {
    return writeFileAtomic(this.path('packages.json'), searchIndexChunks(this.downloads));
  }

  private path(...parts: string[]): string {
    return join(this.output, ...parts);
  }

  /** simple/index.html (§3.1) and simple/index.json (PEP 691): every cached package, sorted. */
  private async writeRootIndex(): Promise<void> {
    const packages = this.cache.list();
    await this.writer.writeFiles([
      { path: this.path('simple', 'index.html'), data: this.templates.renderList('simple/index.html', {}, packages, LIST_CHUNK) },
      { path: this.path('simple', 'index.json'), data: simpleRootJson(packages, LIST_CHUNK) },
    ]);
  }

  /**
   * Everything of one package: its wheels' metadata files and its build logs where missing, then the
   * project page and project JSON, and with `index` the package index in HTML and JSON, all from one
   * PROJDATA (`data`, when the caller has it already); `exclude` is a version being deleted.
   */
  private async writePackage(pkg: string, opts: { index: boolean; exclude?: string; data?: ProjectData }): Promise<void> {
    const [data, description, displayName, aliases] = await Promise.all([
      opts.data ?? this.data.projectData(pkg),
      this.data.description(pkg),
      this.data.displayName(pkg),
      this.data.aliases(pkg),
    ]);
    const model = await projectModel(data, opts.exclude);
    const dir = this.path('simple', pkg);
    const projectDir = this.path('project', pkg);
    // the directories made and the logs and wheels looked for in one job of the writer
    const dirs = [...(opts.index ? [dir] : []), projectDir, join(projectDir, 'json')];
    const wanted = this.extras.wanted(pkg, model);
    const { made, present } = await this.writer.survey({ dirs, files: wanted.files });
    const [logs] = await Promise.all([this.extras.publish(pkg, model, wanted, present), this.replaceSymlinks(dirs, made)]);
    // the rendering below (a millisecond or more) in a turn of its own: see Turns
    await this.turns.next();
    const files: { path: string; data: FileContent }[] = [];
    if (opts.index) {
      files.push(
        { path: join(dir, 'index.html'), data: this.templates.renderList('simple/package.html', { package: pkg }, model.files, ROW_CHUNK, indexLink) },
        { path: join(dir, 'index.json'), data: simpleProjectJson(pkg, model.files, ROW_CHUNK) },
      );
    }
    const install = installFile(model.files);
    const view = projectView({
      package: pkg,
      versionsCount: model.releases.length,
      filesCount: model.files.length,
      aptDependencies: install?.apt ?? [],
      description,
      displayName,
      now: this.now(),
    });
    const rowContext = { package: pkg, visibleRows: view.visibleRows };
    const html = this.templates.render('pages/project.html', {
      ...view,
      versionRows: await this.templates.renderRows('pages/project-version-rows.html', rowContext, model.releases, ROW_CHUNK, (r) => versionRow(r, logs)),
      fileRows: await this.templates.renderRows('pages/project-file-rows.html', rowContext, model.files, ROW_CHUNK, fileRow),
    });
    files.push(
      { path: join(projectDir, 'index.html'), data: html },
      {
        path: join(projectDir, 'json', 'index.json'),
        data: projectJson({ package: pkg, description: description ?? '', siteUrl: this.templates.siteUrl, model, logs }, ROW_CHUNK),
      },
    );
    // a rewrite that changes nothing (the JSON of a package whose files did not change) costs no fsync
    await this.writer.writeFiles(files, { skipUnchanged: true });
    for (const alias of aliases) {
      if (!isPlainName(alias)) this.log.warn(`not linking unsafe alias ${JSON.stringify(alias)} of ${pkg}`);
      else await symlinkRelative(projectDir, this.path('project', alias));
    }
  }

  /**
   * The directories `survey` did not make because something was in the way: a symlink there (project/<name>
   * left from when the name was an alias) is replaced by a directory, parents first.
   */
  private async replaceSymlinks(dirs: readonly string[], made: readonly boolean[]): Promise<void> {
    for (const [i, dir] of dirs.entries()) if (!made[i]) await mkdirReplacingSymlink(dir);
  }

  /** sitemap0.xml, sitemap1..N.xml, sitemap.xml (§3.6); sitemaps beyond N left from a bigger index go. */
  private async writeSitemaps(now: Date): Promise<void> {
    const urlset = 'sitemaps/urlset.xml';
    await writeFileAtomic(
      this.path('sitemap0.xml'),
      this.templates.renderList(urlset, { prefix: '', suffix: '' }, STATIC_SITEMAP_PAGES, LIST_CHUNK),
    );
    const chunks = sitemapChunks(this.cache.list(), SITEMAP_SIZE);
    const names = ['sitemap0.xml'];
    for (const [i, chunk] of chunks.entries()) {
      const name = `sitemap${i + 1}.xml`;
      await writeFileAtomic(this.path(name), this.templates.renderList(urlset, { prefix: 'project/', suffix: '/' }, chunk, LIST_CHUNK));
      names.push(name);
    }
    await writeFileAtomic(this.path('sitemap.xml'), this.templates.render('sitemaps/index.xml', { sitemaps: names, today: localDate(now) }));
    for (const name of await readdir(this.output)) {
      const n = /^sitemap(\d+)\.xml$/.exec(name);
      if (n && Number(n[1]) > chunks.length) await this.removeFile([], name);
    }
  }

  /** Unlinks `<output>/<dir…>/<name>`; a missing file or an unsafe name is logged, never fatal. */
  private async removeFile(dir: string[], name: string): Promise<void> {
    const path = this.path(...dir, name);
    if (!isPlainName(name)) {
      this.log.error(`refusing to remove unsafe name ${JSON.stringify(name)} in ${this.path(...dir)}`);
      return;
    }
    try {
      if (!(await unlinkIfPresent(path))) this.log.error(`unable to remove ${path}: no such file`);
    } catch (err) {
      this.log.error(`unable to remove ${path}`, err);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
