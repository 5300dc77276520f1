/**
 * The Scribe (web-output.md §2–§5, behaviours 138–156): writes every file of the site except wheels, one
 * method per verb of the scribe queue. Every file is written atomically; long lists render in chunks and
 * each page is written with async I/O, so the event loop (which also answers the slaves) is never held
 * for long. Calls may overlap: work on one package is done in call order, different packages proceed
 * concurrently, and rewrites of the root index requested meanwhile fold into one.
 */
import { mkdir, readFile, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MasterStatsWire } from '../../protocols/records.js';
import type { Message } from '../../protocols/protocol.js';
import type { theScribeProtocol } from '../../protocols/the-scribe.js';
import { tempNameOwner, writeFileAtomic } from '../support/atomic-file.js';
import { staleUnlessOurs, sweepTree, type SweepResult } from '../support/temp-sweep.js';
import { assertPlainName, isPlainName } from '../support/fs-guard.js';
import { mkdirReplacingSymlink, symlinkRelative, unlinkIfPresent } from '../support/fs-tree.js';
import type { ProjectFileRow, ScribeData } from './data.js';
import { localDate } from './format.js';
import { Coalescing, KeyedLock } from './locks.js';
import { PackageCache } from './package-cache.js';
import { DEFAULT_SITE, Templates } from './templates.js';
import type { SiteInfo } from './templates.js';
import { STATIC_SITEMAP_PAGES, fileRow, homeView, indexLink, installFile, projectView, sitemapChunks, sortByVersion, versionRow } from './views.js';

/** A message of the scribe queue. */
export type ScribeRequest = Message<(typeof theScribeProtocol)['recv']>;

/** What the Scribe logs to; the runtime's Logger fits. */
export interface ScribeLog {
  debug(message: string, error?: unknown): void;
  info(message: string, error?: unknown): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

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
}

/** URLs per sitemap file (the sitemaps protocol's limit). */
export const SITEMAP_SIZE = 50_000;
/** Items rendered between turns of the event loop in long lists. */
export const LIST_CHUNK = 2_000;
/** Table rows and package links rendered between turns of the event loop. */
export const ROW_CHUNK = 500;
/** The pages rendered once at start-up. */
export const STATIC_PAGES = ['faq', 'packages', 'stats', '404'];

const silent: ScribeLog = { debug() {}, info() {}, warn() {}, error() {} };

export class Scribe {
  private readonly data: ScribeData;
  private readonly output: string;
  private readonly log: ScribeLog;
  private readonly now: () => Date;
  private readonly templates: Templates;
  private readonly cache = new PackageCache();
  private readonly locks = new KeyedLock();
  private readonly rootIndex = new Coalescing(() => this.writeRootIndex());

  constructor(options: ScribeOptions) {
    this.data = options.data;
    this.output = options.output;
    this.log = options.log ?? silent;
    this.now = options.now ?? (() => new Date());
    this.templates = new Templates({ ...DEFAULT_SITE, ...options.site }, options.templatesDir);
  }

  /** The packages the root index lists, sorted. */
  get packages(): string[] {
    return this.cache.list();
  }

  /**
   * Removes the temp files of pages an earlier run left when it was killed mid-write (tempPathFor names,
   * anywhere in the output tree); this run's own are left alone. The File Juggler sweeps its transfers'.
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
    if (!(await exists(this.path('simple', 'index.html')))) await this.rootIndex.request();
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

  /** PROJECT: the project page only (behaviour 145). */
  async project(pkg: string): Promise<void> {
    assertPlainName(pkg, 'package');
    await this.locks.run(`pkg:${pkg}`, async () => {
      await this.writeProjectPage(pkg, await sortByVersion(await this.data.projectFiles(pkg)));
    });
  }

  /** BOTH: package index and project page; a package new to the cache also rewrites the root index (144). */
  async both(pkg: string): Promise<void> {
    assertPlainName(pkg, 'package');
    const rootIndex = await this.locks.run(`pkg:${pkg}`, async () => {
      const files = await sortByVersion(await this.data.projectFiles(pkg));
      await Promise.all([this.writePackageIndex(pkg, files), this.writeProjectPage(pkg, files)]);
      // listed only once its own index exists; in this package's turn, so a DELPKG queued behind us wins
      return this.cache.add(pkg) ? this.rootIndex.request() : null;
    });
    await rootIndex;
  }

  /** DELVER (behaviour 152): the version's wheels go; both pages are rewritten without it. */
  async delver(pkg: string, version: string): Promise<void> {
    assertPlainName(pkg, 'package');
    await this.locks.run(`pkg:${pkg}`, async () => {
      for (const filename of await this.data.versionFiles(pkg, version)) {
        await this.removeFile(['simple', pkg], filename);
      }
      const files = await sortByVersion(await this.data.projectFiles(pkg), version);
      await Promise.all([this.writePackageIndex(pkg, files), this.writeProjectPage(pkg, files, version)]);
    });
  }

  /**
   * DELPKG (behaviours 153–155): drops the package from the root index, then removes its alias links, its
   * wheels, both index pages and both directories. An empty or unsafe name is refused before anything is
   * touched; missing files and directories that will not go are logged, not fatal.
   */
  async delpkg(pkg: string): Promise<void> {
    assertPlainName(pkg, 'package');
    await this.locks.run(`pkg:${pkg}`, async () => {
      if (this.cache.delete(pkg)) await this.rootIndex.request(); // pip stops seeing it before its files go
      for (const alias of await this.data.aliases(pkg)) await this.removeFile(['project'], alias);
      for (const filename of Object.keys(await this.data.packageFiles(pkg))) {
        await this.removeFile(['simple', pkg], filename);
      }
      await this.removeFile(['simple', pkg], 'index.html');
      await this.removeFile(['project', pkg], 'index.html');
      for (const dir of [this.path('simple', pkg), this.path('project', pkg)]) {
        await rmdir(dir).catch((err: unknown) => this.log.error(`unable to remove directory ${dir}`, err));
      }
    });
  }

  /** HOME (behaviour 140): the home page and the sitemaps. */
  async home(stats: MasterStatsWire): Promise<void> {
    await this.locks.run('home', async () => {
      const now = this.now();
      await writeFileAtomic(this.path('index.html'), this.templates.render('pages/index.html', homeView(stats, now)));
      await this.writeSitemaps(now);
    });
  }

  /** SEARCH (behaviour 141): packages.json, `[package, downloads_30_days, downloads_all]` in the map's order. */
  async search(downloads: Record<string, [number, number]>): Promise<void> {
    await this.locks.run('search', async () => {
      await writeFileAtomic(this.path('packages.json'), searchIndexChunks(downloads));
    });
  }

  private path(...parts: string[]): string {
    return join(this.output, ...parts);
  }

  /** simple/index.html (§3.1): every cached package, sorted. */
  private async writeRootIndex(): Promise<void> {
    const chunks = this.templates.renderList('simple/index.html', {}, this.cache.list(), LIST_CHUNK);
    await writeFileAtomic(this.path('simple', 'index.html'), chunks);
  }

  /** simple/<pkg>/index.html (§3.2, behaviour 143), from the files sorted newest first. */
  private async writePackageIndex(pkg: string, sortedFiles: readonly ProjectFileRow[]): Promise<void> {
    const dir = this.path('simple', pkg);
    await mkdirReplacingSymlink(dir);
    const html = this.templates.renderList('simple/package.html', { package: pkg }, sortedFiles, ROW_CHUNK, indexLink);
    await writeFileAtomic(join(dir, 'index.html'), html);
  }

  /**
   * project/<pkg>/index.html and the alias links (§3.3, behaviours 142, 146–151), from the files sorted
   * newest first; `exclude` is a version being deleted.
   */
  private async writeProjectPage(pkg: string, sortedFiles: readonly ProjectFileRow[], exclude?: string): Promise<void> {
    const depsFile = installFile(sortedFiles);
    const [versionRows, aptDependencies, description, displayName, aliases] = await Promise.all([
      this.data.projectVersions(pkg),
      depsFile === null ? new Set<string>() : this.data.fileDependencies(depsFile),
      this.data.description(pkg),
      this.data.displayName(pkg),
      this.data.aliases(pkg),
    ]);
    const versions = await sortByVersion(versionRows, exclude);
    const view = projectView({
      package: pkg,
      versionsCount: versions.length,
      filesCount: sortedFiles.length,
      aptDependencies,
      description,
      displayName,
      now: this.now(),
    });
    const rowContext = { package: pkg, visibleRows: view.visibleRows };
    const html = this.templates.render('pages/project.html', {
      ...view,
      versionRows: await this.templates.renderRows('pages/project-version-rows.html', rowContext, versions, ROW_CHUNK, versionRow),
      fileRows: await this.templates.renderRows('pages/project-file-rows.html', rowContext, sortedFiles, ROW_CHUNK, fileRow),
    });
    const dir = this.path('project', pkg);
    await mkdirReplacingSymlink(dir);
    await writeFileAtomic(join(dir, 'index.html'), html);
    for (const alias of aliases) {
      if (!isPlainName(alias)) this.log.warn(`not linking unsafe alias ${JSON.stringify(alias)} of ${pkg}`);
      else await symlinkRelative(dir, this.path('project', alias));
    }
  }

  /** sitemap0.xml, sitemap1..N.xml, sitemap.xml (§3.6); sitemaps beyond N left from a bigger index go. */
  private async writeSitemaps(now: Date): Promise<void> {
    const urlset = 'sitemaps/urlset.xml';
    await writeFileAtomic(
      this.path('sitemap0.xml'),
      this.templates.renderList(urlset, { prefix: '' }, STATIC_SITEMAP_PAGES, LIST_CHUNK),
    );
    const chunks = sitemapChunks(this.cache.list(), SITEMAP_SIZE);
    const names = ['sitemap0.xml'];
    for (const [i, chunk] of chunks.entries()) {
      const name = `sitemap${i + 1}.xml`;
      await writeFileAtomic(this.path(name), this.templates.renderList(urlset, { prefix: 'project/' }, chunk, LIST_CHUNK));
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

/** packages.json as compact JSON, a few thousand entries per chunk. */
async function* searchIndexChunks(downloads: Record<string, [number, number]>): AsyncGenerator<string> {
  const entries = Object.entries(downloads);
  yield '[';
  for (let start = 0; start < entries.length; start += LIST_CHUNK) {
    if (start > 0) await nextTurn();
    const rows = entries.slice(start, start + LIST_CHUNK).map(([pkg, [recent, all]]) => [pkg, recent, all]);
    yield (start > 0 ? ',' : '') + JSON.stringify(rows).slice(1, -1);
  }
  yield ']';
}
