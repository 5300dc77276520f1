/**
 * piw-import --from URL --version X PROJECT: fetches that version's wheels from an index (any PEP 503
 * index, a --find-links page, a wheelhouse container's index.html, or a container itself) and imports
 * them as one build, in one step. Every wheel is downloaded and checked against the hash its index (or
 * its object) gives before the master is asked anything: a wheel that cannot be verified, or fails, and
 * nothing is imported.
 *
 * The build's ABI is `--abi`, else the one ABI tag the wheels carry besides `none` and `abi3` (0.18's
 * "couldn't determine builder ABI" when there is none; with several, choose one with --abi, and only
 * that ABI's wheels, with the pure ones, are imported).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import type { Logger } from '../../actors/runtime/logger.js';
import { isContainerUrl, openContainer } from '../../actors/storage/container.js';
import { downloadArtifacts, findArtifacts, type FetchSource } from '../../actors/wheelhouse/fetch.js';
import { isDirectoryUrl } from '../../actors/wheelhouse/find-artifacts.js';
import { TimeDelta } from '../../protocols/cbor/values.js';
import type { BuildStateWire } from '../../protocols/records.js';
import type { Settings } from '../common/command.js';
import { flag } from '../common/config.js';
import { ConfigError, EXIT_OK, EXIT_USAGE } from '../common/errors.js';
import { toolErrors } from '../master-link/errors.js';
import { connectable, DEFAULT_IMPORT_FILE_QUEUE, DEFAULT_IMPORT_OUTPUT } from './import-command.js';
import { fileStateOf, readLocalWheel, type LocalWheel } from './local-wheel.js';
import { checkImportQueue } from '../master-link/master-link.js';
import { confirmAndSendImport } from './send-import.js';
import { address, MasterToolCommand, packageArgument, toolSchemaEntries } from '../master-link/tool-command.js';

const PURE_ABIS = new Set(['none', 'abi3']);

const schema = v.object({
  ...toolSchemaEntries,
  fileQueue: address(DEFAULT_IMPORT_FILE_QUEUE),
  quiet: flag(),
});

export class ImportFromCommand extends MasterToolCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = { '--from': 'URL', '--version': 'VERSION', '--abi': 'ABI', '--import-queue': 'ADDR', '--file-queue': 'ADDR', '--timeout': 'SECS' };
  static override usage = Command.Usage({
    description: "Import a version's wheels from an index, verified, in one step",
    details: `
      Fetches every wheel of PROJECT at --version linked from the index at --from (a PEP 503 index, a
      --find-links page, a wheelhouse's index.html, or an s3:// or file:// container), checks each against
      its hash, and imports them as one build. Nothing is imported unless every wheel was verified.
    `,
    examples: [["Import a release from a project's CI wheelhouse", '$0 --from https://wheelhouse.example.org/ --version 1.2.0 -y frob']],
  });

  readonly section = 'import';
  readonly logName = 'import';

  from = Option.String('--from', { required: true, description: 'The index (or container) to fetch the wheels from' });
  version = Option.String('--version', { required: true, description: 'The version to import' });
  abi = Option.String('--abi', { description: "The build's ABI (default: the wheels' own)" });
  fileQueue = Option.String('--file-queue', { description: `The address of the master's file queue (default: ${DEFAULT_IMPORT_FILE_QUEUE})` });
  project = Option.String({ name: 'project' });

  settings() {
    return {
      options: { ...this.toolOptions(), fileQueue: { flag: '--file-queue', given: this.fileQueue, env: 'PIW_FILE_QUEUE' }, quiet: { flag: '--quiet', given: this.quiet } },
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    const pkg = packageArgument(this.project, 'project');
    if (this.version === '' || /\s/.test(this.version)) throw new ConfigError(`invalid version ${JSON.stringify(this.version)}`);
    const source: FetchSource =
      /^https?:\/\//i.test(this.from) || (this.from.startsWith('file:') && !(await isDirectoryUrl(this.from)))
        ? { kind: 'page', url: this.from }
        : isContainerUrl(this.from)
          ? { kind: 'container', storage: openContainer(this.from) }
          : (() => {
              throw new ConfigError(`--from ${JSON.stringify(this.from)}: expected an http(s):// or file:// index, or an s3:// or file:// container`);
            })();
    // A master that is not there is said before anything is downloaded.
    await checkImportQueue(settings.importQueue);
    const dir = await mkdtemp(join(tmpdir(), 'piw-import-from-'));
    try {
      const candidates = (await findArtifacts({ project: pkg, version: this.version, sources: [source], log })).filter((c) => c.filename.endsWith('.whl'));
      if (candidates.length === 0) throw toolErrors.input(`no wheel of ${pkg} ${this.version} at ${this.from}`);
      const abi = this.abi ?? buildAbi(candidates.map((c) => c.filename));
      const chosen = candidates.filter((c) => {
        const tag = c.filename.slice(0, -4).split('-').at(-2)!;
        return tag === abi || PURE_ABIS.has(tag);
      });
      for (const c of candidates) if (!chosen.includes(c)) log.info(`leaving out ${c.filename}: not built for ${abi}`);
      if (chosen.length === 0) throw toolErrors.input(`no wheel of ${pkg} ${this.version} for ${abi} at ${this.from}`);
      const unverifiable = chosen.filter((c) => c.source.kind === 'url' && Object.keys(c.hashes).length === 0);
      if (unverifiable.length > 0) {
        throw toolErrors.input(`${unverifiable.map((c) => c.filename).join(', ')}: the index gives no hash to verify against; nothing imported`);
      }
      // Everything is fetched and verified before the master hears of it.
      await downloadArtifacts(chosen, { project: pkg, version: this.version, folder: dir, log });
      const wheels: LocalWheel[] = [];
      for (const c of chosen) wheels.push(await readLocalWheel(join(dir, c.filename)));
      const files = wheels.map((w) => fileStateOf(w, {})).sort((a, b) => (a[0] < b[0] ? -1 : 1));
      const build: BuildStateWire = [0, pkg, this.version, abi, true, new TimeDelta(0, 0, 0), `${DEFAULT_IMPORT_OUTPUT} from ${this.from}`, files];
      const sent = await confirmAndSendImport({
        build,
        wheels,
        importQueue: settings.importQueue,
        fileQueue: connectable(settings.fileQueue),
        timeoutMs: this.timeoutMs(settings),
        log,
        stderr: this.context.stderr,
        quiet: settings.quiet,
        yes: settings.yes,
        summary: () =>
          this.context.stdout.write(`Import ${files.length} wheel${files.length === 1 ? '' : 's'} of ${pkg} ${this.version} for ${abi}:\n${files.map((f) => `  ${f[0]}`).join('\n')}\n`),
        ask: (question) => this.ask(question),
      });
      if (!sent) return EXIT_USAGE;
      log.info(`imported ${files.length} file${files.length === 1 ? '' : 's'} from ${this.from} as a build of ${pkg} ${this.version} for ${abi}`);
      return EXIT_OK;
    } finally {
      if (source.kind === 'container') source.storage.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** The one builder ABI the wheels carry besides the pure ones. */
function buildAbi(filenames: string[]): string {
  const abis = [...new Set(filenames.map((f) => f.slice(0, -4).split('-').at(-2)!).filter((t) => !PURE_ABIS.has(t)))].sort();
  if (abis.length === 0) throw toolErrors.noAbi();
  if (abis.length > 1) throw toolErrors.input(`the wheels are for several ABIs (${abis.join(', ')}): choose one with --abi`);
  return abis[0]!;
}
