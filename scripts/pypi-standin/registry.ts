/**
 * What the PyPI stand-in knows: projects, releases, files on disk, and the changelog PyPI's XML-RPC
 * `changelog_since_serial` returns — `[name, version|null, timestamp, action, serial]`, one serial per
 * event, with PyPI's own action strings (`create`, `new release`, `add source file f`, `add py3 file f`,
 * `remove file f`, `remove release`, `remove project`, `yank release`, `unyank release`, ...).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalizeName, parseWheelFilename } from '../../protocols/packaging/wheel-filename.js';
import { compareVersions, isPrerelease } from '../../protocols/packaging/pep440.js';
import type { BuiltFile } from './sdist.js';

export type ChangelogEvent = [name: string, version: string | null, timestamp: number, action: string, serial: number];

export interface StoredFile {
  filename: string;
  path: string;
  size: number;
  sha256: string;
  md5: string;
  packagetype: 'sdist' | 'bdist_wheel';
  /** PyPI's `python_version`: `source` for an sdist, the wheel's python tag otherwise. */
  pythonVersion: string;
  requiresPython: string | null;
  uploadTime: number;
}

export interface Release {
  version: string;
  files: StoredFile[];
  yanked: boolean;
  yankedReason: string;
  created: number;
}

export interface Project {
  /** The current spelling. */
  name: string;
  canonical: string;
  summary: string | null;
  releases: Map<string, Release>;
  lastSerial: number;
}

export interface EventOptions {
  /** Unix seconds; default: the registry's clock. */
  timestamp?: number;
  /** Change the state without a changelog entry (e.g. files that were there before anyone looked). */
  silent?: boolean;
}

export interface FileOptions extends EventOptions {
  /** Sets the project's summary (what the JSON API's `info.summary` says). */
  summary?: string;
  pythonVersion?: string;
  requiresPython?: string | null;
}

export interface RegistryOptions {
  filesDir: string;
  /** The serial of the first event. PyPI's changelog is far past the 628 000 where piwheels starts caring. */
  firstSerial?: number;
  /** Unix seconds. */
  clock?: () => number;
  /** Most events one `changelog_since_serial` call returns (PyPI: 50 000). */
  changelogLimit?: number;
}

export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

const SAFE_FILENAME = /^[A-Za-z0-9][A-Za-z0-9._+!-]*\.(?:tar\.gz|zip|whl|tar\.bz2)$/;

export class PypiRegistry {
  readonly filesDir: string;
  readonly changelogLimit: number;
  readonly #clock: () => number;
  readonly #projects = new Map<string, Project>();
  readonly #events: ChangelogEvent[] = [];
  #serial: number;

  constructor({ filesDir, firstSerial = 1_000_000, clock = () => Math.floor(Date.now() / 1000), changelogLimit = 50_000 }: RegistryOptions) {
    this.filesDir = filesDir;
    this.changelogLimit = changelogLimit;
    this.#clock = clock;
    this.#serial = firstSerial - 1;
    mkdirSync(filesDir, { recursive: true });
  }

  get lastSerial(): number {
    return this.#serial;
  }

  /** Events after `serial`, oldest first, at most `changelogLimit` of them. */
  changelogSince(serial: number): ChangelogEvent[] {
    const out: ChangelogEvent[] = [];
    for (const event of this.#events) {
      if (event[4] > serial) out.push([...event]);
      if (out.length >= this.changelogLimit) break;
    }
    return out;
  }

  get projects(): Project[] {
    return [...this.#projects.values()].sort((a, b) => a.canonical.localeCompare(b.canonical));
  }

  project(name: string): Project | undefined {
    return this.#projects.get(canonicalizeName(name));
  }

  /** The newest release pip would pick by default: final and not yanked if there is one. */
  latestRelease(project: Project): Release | undefined {
    const releases = [...project.releases.values()].sort((a, b) => compareVersions(b.version, a.version));
    return releases.find((r) => !r.yanked && !isPrerelease(r.version)) ?? releases.find((r) => !r.yanked) ?? releases[0];
  }

  /** Any event, as given (e.g. `remove Owner someone`, `docupdate`, or an action piwheels must ignore). */
  addEvent(name: string, version: string | null, action: string, options: EventOptions = {}): ChangelogEvent | undefined {
    const project = this.project(name);
    return this.#emit(project?.name ?? name, version, action, options, project);
  }

  /** Creates a project (`create`, version null); an existing one is returned unchanged. */
  addProject(name: string, options: EventOptions & { summary?: string } = {}): Project {
    const existing = this.project(name);
    if (existing) return existing;
    const project: Project = { name, canonical: canonicalizeName(name), summary: options.summary ?? null, releases: new Map(), lastSerial: this.#serial };
    this.#projects.set(project.canonical, project);
    this.#emit(name, null, 'create', options, project);
    return project;
  }

  /** Creates a release (`new release`), and its project if needed; an existing one is returned unchanged. */
  addRelease(name: string, version: string, options: EventOptions & { summary?: string } = {}): Release {
    const project = this.addProject(name, options);
    if (options.summary !== undefined) project.summary = options.summary;
    const existing = project.releases.get(version);
    if (existing) return existing;
    const release: Release = { version, files: [], yanked: false, yankedReason: '', created: options.timestamp ?? this.#clock() };
    project.releases.set(version, release);
    this.#emit(project.name, version, 'new release', options, project);
    return release;
  }

  /** Uploads a file (`add <python_version> file <filename>`), creating project and release if needed. */
  addFile(name: string, version: string, file: BuiltFile, options: FileOptions = {}): StoredFile {
    if (!SAFE_FILENAME.test(file.filename)) throw new RegistryError(`refusing file name ${JSON.stringify(file.filename)}`);
    const release = this.addRelease(name, version, options);
    const project = this.project(name)!;
    for (const other of project.releases.values()) {
      if (other.files.some((f) => f.filename === file.filename)) throw new RegistryError(`${file.filename} already exists (PyPI never reuses a filename)`);
    }
    const isWheel = file.filename.endsWith('.whl');
    const dir = join(this.filesDir, project.canonical);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, file.filename);
    writeFileSync(`${path}.part`, file.content);
    renameSync(`${path}.part`, path);
    const stored: StoredFile = {
      filename: file.filename,
      path,
      size: file.content.length,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      md5: createHash('md5').update(file.content).digest('hex'),
      packagetype: isWheel ? 'bdist_wheel' : 'sdist',
      pythonVersion: options.pythonVersion ?? (isWheel ? parseWheelFilename(file.filename).pythonTag : 'source'),
      requiresPython: options.requiresPython ?? null,
      uploadTime: options.timestamp ?? this.#clock(),
    };
    release.files.push(stored);
    this.#emit(project.name, version, `add ${stored.pythonVersion} file ${file.filename}`, options, project);
    return stored;
  }

  removeFile(name: string, version: string, filename: string, options: EventOptions = {}): void {
    const [project, release] = this.#release(name, version);
    const index = release.files.findIndex((f) => f.filename === filename);
    if (index < 0) throw new RegistryError(`no file ${filename} in ${project.name} ${version}`);
    rmSync(release.files[index]!.path, { force: true });
    release.files.splice(index, 1);
    this.#emit(project.name, version, `remove file ${filename}`, options, project);
  }

  removeRelease(name: string, version: string, options: EventOptions = {}): void {
    const [project, release] = this.#release(name, version);
    for (const file of release.files) rmSync(file.path, { force: true });
    project.releases.delete(version);
    this.#emit(project.name, version, 'remove release', options, project);
  }

  removeProject(name: string, options: EventOptions = {}): void {
    const project = this.#project(name);
    rmSync(join(this.filesDir, project.canonical), { recursive: true, force: true });
    this.#projects.delete(project.canonical);
    this.#emit(project.name, null, 'remove project', options, project);
  }

  yankRelease(name: string, version: string, reason = '', options: EventOptions = {}): void {
    const [project, release] = this.#release(name, version);
    release.yanked = true;
    release.yankedReason = reason;
    this.#emit(project.name, version, 'yank release', options, project);
  }

  unyankRelease(name: string, version: string, options: EventOptions = {}): void {
    const [project, release] = this.#release(name, version);
    release.yanked = false;
    release.yankedReason = '';
    this.#emit(project.name, version, 'unyank release', options, project);
  }

  /**
   * Changes how a project's name is spelt (same canonical name). PyPI logs nothing for this; later events
   * carry the new spelling, which is what piwheels records as an alias.
   */
  respellProject(name: string, spelling: string): void {
    const project = this.#project(name);
    if (canonicalizeName(spelling) !== project.canonical) {
      throw new RegistryError(`${spelling} is not a spelling of ${project.name}; publish it as a new project instead`);
    }
    project.name = spelling;
  }

  setSummary(name: string, summary: string | null): void {
    this.#project(name).summary = summary;
  }

  #project(name: string): Project {
    const project = this.project(name);
    if (!project) throw new RegistryError(`no project ${name}`);
    return project;
  }

  #release(name: string, version: string): [Project, Release] {
    const project = this.#project(name);
    const release = project.releases.get(version);
    if (!release) throw new RegistryError(`no release ${version} of ${project.name}`);
    return [project, release];
  }

  #emit(name: string, version: string | null, action: string, options: EventOptions, project?: Project): ChangelogEvent | undefined {
    if (options.silent) return undefined;
    this.#serial += 1;
    if (project) project.lastSerial = this.#serial;
    const event: ChangelogEvent = [name, version, options.timestamp ?? this.#clock(), action, this.#serial];
    this.#events.push(event);
    return [...event];
  }
}
