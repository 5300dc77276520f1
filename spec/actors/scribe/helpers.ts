/** Shared fixtures for the Scribe's tests: a recording data source, a recording log, an output dir. */
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { MemoryScribeData } from '../../../actors/scribe/memory-data.js';
import type { MemoryPackage } from '../../../actors/scribe/memory-data.js';
import { Scribe } from '../../../actors/scribe/scribe.js';
import type { ScribeLog } from '../../../actors/scribe/scribe.js';
import { TimeDelta } from '../../../protocols/index.js';
import type { MasterStatsWire } from '../../../protocols/index.js';

/** MemoryScribeData that also records every query, as `VERB arg…`. */
export class RecordingData extends MemoryScribeData {
  readonly calls: string[] = [];
  /** Make the next query of this verb fail. */
  failNext: string | null = null;

  private note(verb: string, ...args: string[]) {
    this.calls.push([verb, ...args].join(' '));
    if (this.failNext === verb) {
      this.failNext = null;
      throw new Error(`database unavailable during ${verb}`);
    }
  }

  override async allPackages() { this.note('ALLPKGS'); return super.allPackages(); }
  override async projectData(p: string) { this.note('PROJDATA', p); return super.projectData(p); }
  override async description(p: string) { this.note('GETDESC', p); return super.description(p); }
  override async displayName(p: string) { this.note('GETPROJNAME', p); return super.displayName(p); }
  override async aliases(p: string) { this.note('GETPKGNAMES', p); return super.aliases(p); }
  override async packageFiles(p: string) { this.note('PKGFILES', p); return super.packageFiles(p); }
  override async versionFiles(p: string, v: string) { this.note('VERFILES', p, v); return super.versionFiles(p, v); }
  override async setFileMetadata(f: string, rp: string | null, h: string) { this.note('SETFILEMETA', f, String(rp), h); return super.setFileMetadata(f, rp, h); }
  override async buildLog(id: number) { this.note('BUILDLOG', String(id)); return super.buildLog(id); }
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export function recordingLog(): ScribeLog & { lines: LogEntry[] } {
  const lines: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (message: string) => void lines.push({ level, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const NOW = new Date(2024, 2, 5, 14, 7, 30); // local time

export const hash = (c: string) => c.repeat(64).slice(0, 64);

export function wheel(pkg: string, version: string, tag = 'py3-none-any', size = 2048, aptDeps?: string[]) {
  const abi = tag.split('-')[1]!;
  return { filename: `${pkg}-${version}-${tag}.whl`, size, hash: hash(version.replace(/\W/g, '').slice(-1) || 'f'), abi, aptDeps };
}

/** Starts a Scribe on a fresh temp dir; `done()` removes it. */
export async function startScribe(packages: MemoryPackage[] = []) {
  const output = await mkdtemp(join(tmpdir(), 'piw-scribe-'));
  const data = new RecordingData(packages);
  const log = recordingLog();
  const scribe = new Scribe({ data, output, log, now: () => NOW });
  await scribe.start();
  data.calls.length = 0;
  return {
    scribe,
    data,
    log,
    output,
    read: (...parts: string[]) => readFile(join(output, ...parts), 'utf8'),
    tree: () => listTree(output),
    done: () => rm(output, { recursive: true, force: true }),
  };
}

/** Every path under `root` (directories with a trailing `/`, symlinks as `name -> target`), sorted. */
export async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string) {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      const rel = relative(root, path);
      if (e.isSymbolicLink()) out.push(`${rel} -> ${await readlink(path)}`);
      else if (e.isDirectory()) {
        out.push(`${rel}/`);
        await walk(path);
      } else out.push(rel);
    }
  }
  await walk(root);
  return out.sort();
}

export function stats(overrides: Partial<Record<'packagesBuilt' | 'filesCount' | 'downloadsLastMonth' | 'downloadsAll', number>> = {}): MasterStatsWire {
  return [
    NOW, overrides.packagesBuilt ?? 0, { cp311: 3 }, new TimeDelta(0, 5), 1024, { cp311: 10 }, 2,
    overrides.filesCount ?? 0, 7, overrides.downloadsLastMonth ?? 0, overrides.downloadsAll ?? 0,
    1e9, 5e8, 4e9, 2e9, 1e9, 1e9, 0.25, 45.5,
  ];
}
