import { sortYielding } from './yielding.js';

const codeUnitOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The Scribe's list of every known package, kept sorted so the root index and sitemaps are deterministic. */
export class PackageCache {
  private names: string[] = [];

  /** Replaces the contents (ALLPKGS at start-up); sorts in slices so 600,000 names never block for long. */
  async load(packages: Iterable<string>): Promise<void> {
    this.names = await sortYielding([...(packages instanceof Set ? packages : new Set(packages))], codeUnitOrder);
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
