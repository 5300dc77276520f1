import { setImmediate as nextTurn } from 'node:timers/promises';

/** Items sorted or merged between turns of the event loop. */
const SLICE = 8_192;

/** The Scribe's list of every known package, kept sorted so the root index and sitemaps are deterministic. */
export class PackageCache {
  private names: string[] = [];

  /** Replaces the contents (ALLPKGS at start-up); sorts in slices so 600,000 names never block for long. */
  async load(packages: Iterable<string>): Promise<void> {
    this.names = await sortYielding([...(packages instanceof Set ? packages : new Set(packages))]);
  }

  get size(): number {
    return this.names.length;
  }

  has(pkg: string): boolean {
    const i = this.position(pkg);
    return this.names[i] === pkg;
  }

  /** Adds a package; `false` when it was already there. */
  add(pkg: string): boolean {
    const i = this.position(pkg);
    if (this.names[i] === pkg) return false;
    this.names.splice(i, 0, pkg);
    return true;
  }

  /** Removes a package; `false` when it was not there. */
  delete(pkg: string): boolean {
    const i = this.position(pkg);
    if (this.names[i] !== pkg) return false;
    this.names.splice(i, 1);
    return true;
  }

  /** A copy of the sorted list, safe to use while the cache changes. */
  list(): string[] {
    return this.names.slice();
  }

  /** Index of the first name not less than `pkg`. */
  private position(pkg: string): number {
    let lo = 0;
    let hi = this.names.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.names[mid]! < pkg) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Bottom-up merge sort (code-unit order, like `Array#sort`) that yields to the event loop every SLICE items. */
async function sortYielding(items: string[]): Promise<string[]> {
  let runs: string[][] = [];
  for (let i = 0; i < items.length; i += SLICE) {
    if (i > 0) await nextTurn();
    runs.push(items.slice(i, i + SLICE).sort());
  }
  while (runs.length > 1) {
    const merged: string[][] = [];
    for (let i = 0; i < runs.length; i += 2) merged.push(i + 1 < runs.length ? await merge(runs[i]!, runs[i + 1]!) : runs[i]!);
    runs = merged;
  }
  return runs[0] ?? [];
}

async function merge(a: string[], b: string[]): Promise<string[]> {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    out.push(a[i]! < b[j]! ? a[i++]! : b[j++]!);
    if (out.length % SLICE === 0) await nextTurn();
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
