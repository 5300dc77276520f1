/**
 * The nunjucks environment of `web-templates/`: autoescaping on, the site's links as globals, and the
 * filters the pages use. Long lists render in chunks with a turn of the event loop between them.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { defineError } from '../../protocols/errors.js';
import { formatSize, pathSegment, queryValue, thousands } from './format.js';

export const TemplatesMissingError = defineError('PIW_ERR_TEMPLATES_MISSING', (from: string) => `web-templates/ not found above ${from}`);

/** Where the site points its visitors; `url` is the public address of the output directory. */
export interface SiteInfo {
  url: string;
  issues: string;
  blog: string;
  github: string;
  docs: string;
  twitter: string;
}

export const DEFAULT_SITE: SiteInfo = {
  url: 'https://www.piwheels.org',
  issues: 'https://github.com/piwheels/packages/issues',
  blog: 'https://blog.piwheels.org/',
  github: 'https://github.com/piwheels/piwheels',
  docs: 'https://piwheels.readthedocs.io/',
  twitter: 'https://twitter.com/piwheels',
};

/** The `web-templates/` folder of this package, from the source tree or from `dist/`. */
export function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'web-templates');
    if (existsSync(join(candidate, 'layout.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new TemplatesMissingError(fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** A filter that refuses a missing or mistyped value rather than printing `NaN` or `undefined`. */
function strict<T extends 'number' | 'string'>(type: T, filter: (value: T extends 'number' ? number : string) => string) {
  return (value: unknown) => {
    if (typeof value !== type) throw new TypeError(`template filter expected a ${type}, got ${value === null ? 'null' : typeof value}`);
    return filter(value as T extends 'number' ? number : string);
  };
}

export class Templates {
  private readonly env: nunjucks.Environment;
  /** The site's public address, without a trailing slash. */
  readonly siteUrl: string;

  constructor(
    site: SiteInfo = DEFAULT_SITE,
    readonly dir: string = templatesDir(),
  ) {
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(resolve(dir)), {
      autoescape: true,
      throwOnUndefined: true,
      trimBlocks: true,
      lstripBlocks: true,
    });
    this.siteUrl = site.url.replace(/\/+$/, '');
    this.env.addGlobal('site', { ...site, url: this.siteUrl });
    this.env.addFilter('thousands', strict('number', thousands));
    this.env.addFilter('filesize', strict('number', formatSize));
    this.env.addFilter('pathpart', strict('string', pathSegment));
    this.env.addFilter('query', strict('string', queryValue));
  }

  render(name: string, context: object): string {
    return this.env.render(name, context);
  }

  /**
   * Renders a list template (one taking `items`, `offset`, `head` and `tail`) `chunk` items at a time,
   * mapping each item with `map` as its chunk comes, and yielding to the event loop between chunks, so a
   * list of 600,000 packages never blocks the process for long.
   */
  async *renderList<T, U = T>(
    name: string,
    context: object,
    items: readonly T[],
    chunk: number,
    map: (item: T) => U = (item) => item as unknown as U,
  ): AsyncGenerator<string> {
    for (let start = 0; start === 0 || start < items.length; start += chunk) {
      if (start > 0) await nextTurn();
      const tail = start + chunk >= items.length;
      const slice = items.slice(start, start + chunk).map(map);
      yield this.render(name, { ...context, items: slice, offset: start, head: start === 0, tail });
    }
  }

  /** renderList joined into markup a page template can place as it is (it was escaped as it rendered). */
  async renderRows<T, U = T>(name: string, context: object, items: readonly T[], chunk: number, map?: (item: T) => U) {
    let html = '';
    for await (const part of this.renderList(name, context, items, chunk, map)) html += part;
    return new nunjucks.runtime.SafeString(html);
  }

  /** Names of the static assets copied to the output root. */
  async staticAssets(): Promise<string[]> {
    const entries = await readdir(join(this.dir, 'static'), { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => e.name).sort();
  }
}
