/**
 * Project descriptions from PyPI's JSON API: `GET <pypi-json>/<package>/json`, field `info.summary`
 * (behaviour 121); and yank reasons (PEP 592): `GET <pypi-json>/<package>/<version>/json`, field
 * `info.yanked_reason` (null or absent when PyPI has none: ''). Neither is ever worth stopping for, so
 * every failure is null, and for descriptions:
 *  - unreachable, timed out, HTTP 5xx/408/429, or the breaker open → null, not remembered (try next time);
 *  - 404 (a package deleted since) → null; any other status, bad JSON or no `info.summary` → null with an
 *    error log (0.18 raised on statuses other than 404/408/5xx; we log instead);
 *  - a null summary → ""; longer than 200 characters → the first 199 and "…".
 * Answers PyPI actually gave are kept in an LRU cache of 100 packages.
 */
import type { TaskChildren } from '../runtime/task-machine.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { isTransient, messageOf, PyPIUnavailableError } from './errors.js';
import { httpExchange, isServerTrouble, type HttpOptions } from './http.js';
import type { Clock, Logger } from './ports.js';

export const DEFAULT_PYPI_JSON = 'https://pypi.org/pypi';
export const DESCRIPTION_CACHE_SIZE = 100;
const MAX_DESCRIPTION = 200;

/** What PyPIEvents asks for descriptions. */
export interface DescriptionSource {
  description(pkg: string): Promise<string | null>;
}

/** What PyPIEvents asks for the reason of a yank. */
export interface YankReasonSource {
  /** '' when the release was yanked without a reason; null when PyPI did not say. */
  yankReason(pkg: string, version: string): Promise<string | null>;
}

export interface PyPIDescriptionsOptions extends HttpOptions {
  readonly url?: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly cacheSize?: number;
  readonly breaker?: CircuitBreaker;
  /** The task asking: the breaker's chart runs under its host. */
  readonly task?: TaskChildren;
}

/** Python's `description[:199] + '…'`, counted in code points as Python counts. */
export function truncateDescription(summary: string): string {
  const chars = Array.from(summary);
  return chars.length > MAX_DESCRIPTION ? chars.slice(0, MAX_DESCRIPTION - 1).join('') + '…' : summary;
}

export class PyPIDescriptions implements DescriptionSource, YankReasonSource {
  readonly url: string;
  readonly breaker: CircuitBreaker;
  readonly #logger: Logger;
  readonly #http: HttpOptions;
  readonly #cacheSize: number;
  readonly #cache = new Map<string, string | null>();

  constructor(options: PyPIDescriptionsOptions) {
    this.url = (options.url ?? DEFAULT_PYPI_JSON).replace(/\/+$/, '');
    this.#logger = options.logger;
    this.#http = { timeoutMs: options.timeoutMs, maxBytes: options.maxBytes };
    this.#cacheSize = options.cacheSize ?? DESCRIPTION_CACHE_SIZE;
    this.breaker =
      options.breaker ??
      new CircuitBreaker({
        service: 'PyPI JSON API',
        clock: options.clock,
        logger: options.logger,
        ...(options.task === undefined ? {} : { task: options.task }),
        id: 'pypi-breaker:json',
      });
  }

  async description(pkg: string): Promise<string | null> {
    if (this.#cache.has(pkg)) {
      const hit = this.#cache.get(pkg)!;
      this.#cache.delete(pkg);
      this.#cache.set(pkg, hit);
      return hit;
    }
    let answer: string | null;
    try {
      answer = await this.breaker.call(() => this.#fetch(pkg));
    } catch (err) {
      if (isTransient(err)) return null;
      this.#logger.error(`unable to get description for ${pkg}: ${messageOf(err)}`);
      return null;
    }
    this.#cache.set(pkg, answer);
    if (this.#cache.size > this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
    return answer;
  }

  async yankReason(pkg: string, version: string): Promise<string | null> {
    const url = `${this.url}/${encodeURIComponent(pkg)}/${encodeURIComponent(version)}/json`;
    let info: Record<string, unknown> | null;
    try {
      info = await this.breaker.call(() => this.#info(url));
    } catch (err) {
      if (!isTransient(err)) this.#logger.error(`unable to get the yank reason of ${pkg} ${version}: ${messageOf(err)}`);
      return null;
    }
    if (info === null) return null;
    const reason = info['yanked_reason'];
    if (reason === undefined || reason === null) return '';
    if (typeof reason !== 'string') {
      this.#logger.error(`info.yanked_reason is not a string for ${pkg} ${version}`);
      return null;
    }
    return reason;
  }

  /** `info` of a JSON API document; null (logged) for 404 and other answers without one. */
  async #info(url: string): Promise<Record<string, unknown> | null> {
    const res = await httpExchange(url, { method: 'GET', headers: { Accept: 'application/json' } }, this.#http);
    if (isServerTrouble(res.status)) throw new PyPIUnavailableError(url, `HTTP ${res.status} ${res.statusText}`.trim());
    if (res.status === 404) return null;
    if (res.status < 200 || res.status > 299) {
      this.#logger.error(`HTTP ${res.status} from ${url}`);
      return null;
    }
    try {
      const data: unknown = JSON.parse(res.body);
      const info = isRecord(data) ? data['info'] : undefined;
      if (isRecord(info)) return info;
    } catch {
      // logged below
    }
    this.#logger.error(`no info in the JSON of ${url}`);
    return null;
  }

  /** Throws only when PyPI gave no usable answer (so the breaker counts it); otherwise the description. */
  async #fetch(pkg: string): Promise<string | null> {
    const url = `${this.url}/${encodeURIComponent(pkg)}/json`;
    const res = await httpExchange(url, { method: 'GET', headers: { Accept: 'application/json' } }, this.#http);
    if (isServerTrouble(res.status)) throw new PyPIUnavailableError(url, `HTTP ${res.status} ${res.statusText}`.trim());
    if (res.status === 404) return null;
    if (res.status < 200 || res.status > 299) {
      this.#logger.error(`HTTP ${res.status} when getting description for ${pkg}`);
      return null;
    }
    let data: unknown;
    try {
      data = JSON.parse(res.body);
    } catch {
      this.#logger.error(`malformed JSON when getting description for ${pkg}`);
      return null;
    }
    const info = isRecord(data) ? data['info'] : undefined;
    if (!isRecord(info) || !('summary' in info)) {
      this.#logger.error(`info.summary missing when getting description for ${pkg}`);
      return null;
    }
    const summary = info['summary'];
    if (summary === null) return '';
    if (typeof summary !== 'string') {
      this.#logger.error(`info.summary is not a string when getting description for ${pkg}`);
      return null;
    }
    return truncateDescription(summary);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
