/**
 * The sources of `piw-wheelhouse fetch`: what each command-line URL is (a page to read, or a container to
 * list through its storage API), and the original's `setup.cfg` `[wheelhouse_uploader] artifact_indexes`
 * when none is given.
 */
import { readFile } from 'node:fs/promises';
import { isContainerUrl } from '../../actors/storage/container.js';
import type { Storage } from '../../actors/storage/storage.js';
import type { FetchSource } from '../../actors/wheelhouse/fetch.js';
import { isDirectoryUrl } from '../../actors/wheelhouse/find-artifacts.js';
import { ConfigError } from '../common/errors.js';
import { parseIni } from '../common/ini.js';

export const SETUP_CFG_SECTION = 'wheelhouse_uploader';
export const SETUP_CFG_KEY = 'artifact_indexes';

/** The artifact indexes a setup.cfg lists (one a line, `#` comments left out), as the original's fetch_artifacts read them. */
export async function artifactIndexes(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`no URL given, and ${path} cannot be read: ${(err as Error).message}`);
  }
  const section = parseIni(text, path).sections[SETUP_CFG_SECTION];
  const value = section?.[SETUP_CFG_KEY];
  const urls = (value ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (urls.length === 0) throw new ConfigError(`no URL given, and ${path} has no "${SETUP_CFG_KEY}" in its [${SETUP_CFG_SECTION}] section`);
  return urls;
}

/** Each URL as a page or a container; `open` makes a container's Storage. */
export async function fetchSources(urls: readonly string[], provider: string | undefined, open: (spec: string) => Storage): Promise<FetchSource[]> {
  const sources: FetchSource[] = [];
  for (const url of urls) {
    if (/^https?:\/\//i.test(url)) sources.push({ kind: 'page', url });
    else if (url.startsWith('file:') && !(await isDirectoryUrl(url))) sources.push({ kind: 'page', url });
    else if (isContainerUrl(url) || provider !== undefined) sources.push({ kind: 'container', storage: open(url) });
    else throw new ConfigError(`${JSON.stringify(url)} is not an http(s):// page, a file:// page or directory, an s3:// container, or a container name with --provider`);
  }
  return sources;
}
