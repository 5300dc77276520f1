/**
 * The JSON files of the site:
 * - PEP 691 (api-version 1.1, with PEP 700's `versions`, `size` and `upload-time`, and PEP 714's
 *   `core-metadata` only: pips from 22.3 to 23.1 fail on any `dist-info-metadata` in JSON, which is why
 *   PEP 714 renamed it, while the HTML may and does carry both names): `simple/index.json` and
 *   `simple/<pkg>/index.json`, served instead of the HTML to clients that ask for
 *   `application/vnd.pypi.simple.v1+json`;
 * - piwheels' project JSON (`project/<pkg>/json/index.json`), with the field names piwheels publishes
 *   (json.html documents them), plus `yanked_reason` and `builds` (piwheels promises to add fields only).
 * Long lists are produced in chunks with a turn of the event loop between them. `<`, `>`, `&` and the
 * JavaScript line separators are written as `\u` escapes, so no JSON file can be mistaken for markup.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { logUrl } from './build-logs.js';
import { pathSegment } from './format.js';
import type { FileInfo, ProjectModel } from './project-model.js';
import { dbDateTime, dbIsoTime } from './views.js';

/** The PEP 691 API version written (1.1: PEP 700's fields are present). */
export const SIMPLE_API_VERSION = '1.1';

const UNSAFE = /[<>&\u2028\u2029]/g;

/** JSON.stringify with the characters that matter to HTML and JavaScript escaped. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `items` as the elements of a JSON array, `chunk` at a time, between `head` and `tail`. */
async function* jsonList<T>(head: string, items: readonly T[], item: (x: T) => unknown, tail: string, chunk: number): AsyncGenerator<string> {
  yield head + '[';
  for (let start = 0; start < items.length; start += chunk) {
    if (start > 0) await nextTurn();
    yield (start > 0 ? ',' : '') + items.slice(start, start + chunk).map((x) => safeJson(item(x))).join(',');
  }
  yield ']' + tail;
}

/** `simple/index.json`: every package, in the root index's order. */
export function simpleRootJson(packages: readonly string[], chunk: number): AsyncGenerator<string> {
  return jsonList(`{"meta":{"api-version":"${SIMPLE_API_VERSION}"},"projects":`, packages, (name) => ({ name }), '}', chunk);
}

/** One file of `simple/<pkg>/index.json`; its URL is relative, as in the HTML. */
export function simpleFile(f: FileInfo) {
  const metadata = f.metadataHash === null ? false : { sha256: f.metadataHash };
  return {
    filename: f.filename,
    url: pathSegment(f.filename),
    hashes: { sha256: f.hash },
    ...(f.requiresPython === null ? {} : { 'requires-python': f.requiresPython }),
    'core-metadata': metadata,
    yanked: f.yanked ? f.yankedReason || true : false,
    size: f.size,
    'upload-time': dbIsoTime(f.builtAt),
  };
}

/** `simple/<pkg>/index.json`: the files newest version first, and the versions they belong to. */
export async function* simpleProjectJson(pkg: string, files: readonly FileInfo[], chunk: number): AsyncGenerator<string> {
  const versions = [...new Set(files.map((f) => f.version))];
  yield* jsonList(`{"meta":{"api-version":"${SIMPLE_API_VERSION}"},"name":${safeJson(pkg)},"files":`, files, simpleFile, '', chunk);
  yield `,"versions":${safeJson(versions)}}`;
}

export interface ProjectJsonInput {
  package: string;
  description: string;
  /** The site's public address, no trailing slash. */
  siteUrl: string;
  model: ProjectModel;
  /** Builds whose log the site has. */
  logs: ReadonlySet<number>;
}

/** `project/<pkg>/json/index.json`, releases newest first. */
export async function* projectJson(input: ProjectJsonInput, chunk: number): AsyncGenerator<string> {
  const { package: pkg, model, logs } = input;
  yield safeJson({
    package: pkg,
    summary: input.description,
    pypi_url: `https://pypi.org/project/${pathSegment(pkg)}`,
    piwheels_url: `${input.siteUrl}/project/${pathSegment(pkg)}`,
  }).slice(0, -1) + ',"releases":{';
  for (const [i, release] of model.releases.entries()) {
    if (i > 0 && i % chunk === 0) await nextTurn();
    const entry = {
      released: dbDateTime(release.released),
      prerelease: release.prerelease,
      yanked: release.yanked,
      yanked_reason: release.yankedReason,
      skip_reason: release.skip,
      files: Object.fromEntries(
        release.files.map((f) => [
          f.filename,
          {
            file_url: `/simple/${pathSegment(pkg)}/${pathSegment(f.filename)}`,
            filehash: f.hash,
            filesize: f.size,
            builder_abi: f.builderAbi,
            file_abi_tag: f.abi,
            platform: f.platform,
            requires_python: f.requiresPython,
            apt_dependencies: f.apt,
            pip_dependencies: f.pip,
          },
        ]),
      ),
      builds: release.builds.map((b) => ({
        build_id: b.id,
        abi: b.abi,
        status: b.ok ? 'success' : 'fail',
        log_url: logs.has(b.id) ? logUrl(b.id) : null,
      })),
    };
    yield (i > 0 ? ',' : '') + `${safeJson(release.version)}:${safeJson(entry)}`;
  }
  yield '}}';
}
