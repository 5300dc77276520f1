/**
 * The shapes that flow from PyPI's changelog to Cloud Gazer (spec/behaviours.md A.4): raw XML-RPC entries, the
 * five actions piwheels recognises, and the events Cloud Gazer acts on.
 */

/** One `changelog_since_serial` row: `(package, version, unix_timestamp, action, serial)`. */
export interface ChangelogEntry {
  readonly package: string;
  readonly version: string | null;
  /** Seconds since the Unix epoch, as PyPI sends it. */
  readonly timestamp: number;
  readonly action: string;
  readonly serial: number;
}

export type PyPIAction = 'create' | 'source' | 'remove' | 'yank' | 'unyank';

/** What PyPIEvents yields: the package exactly as PyPI spelled it, and a tz-aware (UTC) timestamp. */
export interface GazerEvent {
  readonly package: string;
  readonly version: string | null;
  readonly timestamp: Date;
  readonly action: PyPIAction;
  /** `info.summary` for create and file events when PyPI's JSON API gave one; null otherwise. */
  readonly description: string | null;
  /**
   * For a yank, PEP 592's reason: the release's `info.yanked_reason` from PyPI's JSON API, '' when it
   * gave none; null (or absent) when PyPI could not be asked.
   */
  readonly yankReason?: string | null;
}
