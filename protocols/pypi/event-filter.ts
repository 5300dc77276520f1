/**
 * PyPIEvents' filtering (behaviours 117–122): which changelog entries Cloud Gazer hears about, with what
 * action and timestamp. Fetching descriptions is the caller's job; `wantsDescription` says when.
 *
 * A small de-duplication cache of the last `cacheSize` (package, version) pairs, oldest first, keeps one
 * event per version out of the dozens of file uploads a release makes. The one exception is the first
 * sdist after binary-only files: it is re-emitted as `source` with the version's original timestamp, so a
 * binary-only version can become buildable.
 */
import type { ChangelogEntry, PyPIAction } from './changelog.js';
import { parseAction } from './actions.js';

export const VERSION_CACHE_SIZE = 1000;

/** A filtered event, before its description is known. */
export interface PendingEvent {
  readonly package: string;
  readonly version: string | null;
  readonly timestamp: Date;
  readonly action: PyPIAction;
  /** True for package creation and file events: the caller looks up `info.summary` for these. */
  readonly wantsDescription: boolean;
}

interface Seen {
  readonly timestamp: Date;
  readonly action: 'create' | 'source';
}

/** PyPI's unix timestamps as instants (a JS Date is always UTC: behaviour 122). */
export function toUtc(timestamp: number): Date {
  return new Date(timestamp * 1000);
}

export class PyPIEventFilter {
  // A Map keeps insertion order: re-inserting a key moves it to the newest end.
  readonly #versions = new Map<string, Seen>();

  constructor(readonly cacheSize = VERSION_CACHE_SIZE) {}

  /** Forgets every (package, version) seen, e.g. when the stream is rewound and will be replayed. */
  clear(): void {
    this.#versions.clear();
  }

  /** The event an entry becomes, or null when it is ignored or a duplicate. */
  accept(entry: ChangelogEntry): PendingEvent | null {
    const parsed = parseAction(entry.action);
    if (parsed === null) return null;
    const timestamp = toUtc(entry.timestamp);
    const base = { package: entry.package, version: entry.version, timestamp };
    switch (parsed) {
      case 'source-file':
      case 'binary-file':
        return this.#checkNewVersion(entry.package, entry.version, timestamp, parsed === 'source-file' ? 'source' : 'create');
      case 'create':
        // Package creation: PyPI sometimes names a version here; it means nothing.
        return { ...base, version: null, action: 'create', wantsDescription: true };
      case 'remove':
        if (entry.version !== null) this.#versions.delete(key(entry.package, entry.version));
        return { ...base, action: 'remove', wantsDescription: false };
      case 'yank':
      case 'unyank':
        // a yank's reason is the caller's to look up (PyPI's JSON API)
        return { ...base, action: parsed, wantsDescription: false };
    }
  }

  #checkNewVersion(pkg: string, version: string | null, timestamp: Date, action: 'create' | 'source'): PendingEvent | null {
    const k = key(pkg, version);
    const seen = this.#versions.get(k);
    let event: PendingEvent | null = null;
    if (seen === undefined) {
      this.#versions.set(k, { timestamp, action });
      event = { package: pkg, version, timestamp, action, wantsDescription: true };
    } else {
      this.#versions.delete(k);
      if (seen.action === 'create' && action === 'source') {
        this.#versions.set(k, { timestamp: seen.timestamp, action });
        event = { package: pkg, version, timestamp: seen.timestamp, action, wantsDescription: true };
      } else {
        this.#versions.set(k, seen);
      }
    }
    while (this.#versions.size > this.cacheSize) {
      this.#versions.delete(this.#versions.keys().next().value!);
    }
    return event;
  }
}

// JSON keeps null versions distinct from the string "null" and cannot collide on separators.
const key = (pkg: string, version: string | null) => JSON.stringify([pkg, version]);
