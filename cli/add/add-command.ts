/**
 * piw-add PACKAGE [VERSION] (as piwheels has since 0.19): adds a package, or a version of one, or corrects
 * what the master knows of it, without SQL and with the master running. Over the import queue (ADDPKG /
 * ADDVER to Mr Chase); the master makes the whole change in one transaction, or none of it, and rewrites
 * the package's pages.
 *
 *   -s/--skip REASON     a new package or version is added skipped (a known one: use piw-remove -s)
 *   --unskip             a known package or version is built again
 *   -d/--description     the package's description (default for a new package: PyPI's summary)
 *   -a/--alias NAME      another spelling of the name (repeatable); PACKAGE as given is the display name
 *   -r/--released TIME   a new version's release time, "YYYY-MM-DD HH:MM:SS" UTC (default: now)
 *   --yank / --unyank    mark the version yanked or not
 *
 * Exit 0 when done, 1 when the master refused (an unknown package, a skip of a known one) or could not be
 * reached, 2 for bad options or a declined prompt.
 */
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import { DEFAULT_PYPI_JSON, PyPIDescriptions } from '../../actors/cloud-gazer/pypi-json.js';
import type { Logger } from '../../actors/runtime/logger.js';
import { addProblem } from '../../machines/import-session/check-add.js';
import type { ImportToolRequest } from '../../machines/import-session/tool.js';
import { canonicalizeName } from '../../protocols/packaging/wheel-filename.js';
import type { Settings } from '../common/command.js';
import { ConfigError, EXIT_OK, EXIT_USAGE } from '../common/errors.js';
import { converse } from '../master-link/master-link.js';
import { MasterToolCommand, toolSchemaEntries } from '../master-link/tool-command.js';

const schema = v.object({
  ...toolSchemaEntries,
  pypiJson: v.optional(v.pipe(v.string(), v.url('expected a URL')), DEFAULT_PYPI_JSON),
});

/** What each refusal code of the master means, in piwheels 0.19's words. */
const REFUSALS: Record<string, string> = {
  NOPKG: 'the package does not exist; add it with piw-add first',
  SKIPPKG: 'cannot skip a known package with piw-add; use piw-remove -s instead',
  SKIPVER: 'cannot skip a known version with piw-add; use piw-remove -s instead',
};

const DONE_WORDS: Record<string, string> = {
  NEWPKG: 'Added package',
  UPDPKG: 'Updated package',
  NEWVER: 'Added version',
  UPDVER: 'Updated version',
};

/** "YYYY-MM-DD HH:MM:SS" (0.19's form) or an ISO 8601 time; UTC unless it says otherwise. */
export function parseReleased(text: string): Date {
  const plain = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/.exec(text.trim());
  const date = new Date(plain ? `${plain[1]}T${plain[2]}Z` : text.trim());
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
    throw new ConfigError(`invalid value for option --released: ${JSON.stringify(text)} (expected "YYYY-MM-DD HH:MM:SS", UTC)`);
  }
  return date;
}

export class AddCommand extends MasterToolCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = { '--skip': 'REASON', '--description': 'TEXT', '--alias': 'NAME', '--released': 'TIMESTAMP', '--import-queue': 'ADDR', '--timeout': 'SECS', '--pypi-json': 'URL' };
  static override usage = Command.Usage({
    description: 'Add or correct packages and versions in the piwheels database',
    details: `
      Adds the package (or, with VERSION, a version of it) to the master's database, or corrects what it
      knows: its skip reason (--unskip), description, aliases, and a version's yanked mark. The master makes
      the whole change in one transaction, or none of it, and rewrites the package's pages. Must run on the
      same machine as piw-master.

      Exits 0 once the master has made the change; non-zero if anything failed, with the database
      unchanged.

      Settings may also come from the environment (PIW_IMPORT_QUEUE, PIW_MASTER_TIMEOUT, PIW_PYPI_JSON) and
      from the [add] section of the configuration files.
    `,
    examples: [
      ['Add a package PyPI does not list (yet)', '$0 -y -d "Frobnicates widgets" Frob_Widgets'],
      ['Add a version released at a known time, yanked', '$0 -y -r "2024-03-01 12:00:00" --yank frob-widgets 1.0'],
      ['Build a skipped version again', '$0 -y --unskip frob-widgets 0.9'],
    ],
  });

  readonly section = 'add';
  readonly logName = 'add';

  skip = Option.String('-s,--skip', { description: 'Mark the new package or version with a skip reason to prevent build attempts' });
  unskip = Option.Boolean('--unskip', { description: 'Remove the skip reason of the package or version to enable build attempts' });
  description = Option.String('-d,--description', { description: "The package description; defaults to retrieving the description from PyPI" });
  aliases = Option.Array('-a,--alias', { description: 'A package alias to use; may be specified multiple times' });
  released = Option.String('-r,--released', { description: "The version's release date (for a new version), UTC; defaults to now" });
  yank = Option.Boolean('--yank', { description: 'Mark the version as yanked' });
  unyank = Option.Boolean('--unyank', { description: 'Mark the version as not yanked' });
  pypiJson = Option.String('--pypi-json', { description: `Where PyPI's JSON API is, for descriptions (default: ${DEFAULT_PYPI_JSON})` });
  package = Option.String({ name: 'package' });
  packageVersion = Option.String({ name: 'version', required: false });

  settings() {
    return {
      options: { ...this.toolOptions(), pypiJson: { flag: '--pypi-json', given: this.pypiJson, env: 'PIW_PYPI_JSON' } },
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    const version = this.packageVersion;
    const fields = {
      display: this.package,
      ...(version === undefined ? {} : { version }),
      skip: this.skip ?? '',
      unskip: this.unskip ?? false,
      yank: this.yank ?? false,
      unyank: this.unyank ?? false,
      aliases: this.aliases ?? [],
    };
    // The master checks all of this too; said here, it needs no master to say it.
    const problem = addProblem(fields);
    if (problem !== undefined) throw new ConfigError(problem);
    if (version === undefined && (this.yank || this.unyank || this.released !== undefined)) {
      throw new ConfigError('--yank, --unyank and --released are for a version: give one');
    }
    if (version !== undefined && this.description !== undefined) throw new ConfigError('--description is for a package: give no version');
    const pkg = canonicalizeName(this.package);
    const released = this.released === undefined ? new Date() : parseReleased(this.released);

    if (!settings.yes) {
      this.context.stdout.write(`Preparing to add/update ${version === undefined ? this.package : `${this.package} ${version}`}\n`);
      if (!(await this.ask('Proceed?'))) {
        log.warn('User aborted addition');
        return EXIT_USAGE;
      }
    }
    let description = this.description ?? '';
    if (version === undefined && this.description === undefined) {
      const pypi = new PyPIDescriptions({ url: settings.pypiJson, clock: { now: () => Date.now() }, logger: log });
      const found = await pypi.description(pkg);
      if (found === null) log.warn(`no description for ${pkg} from ${settings.pypiJson}; give one with -d`);
      description = found ?? '';
    }
    const request: ImportToolRequest =
      version === undefined
        ? { verb: 'ADDPKG', data: [this.package, description, fields.skip, fields.unskip, fields.aliases] }
        : { verb: 'ADDVER', data: [this.package, version, fields.skip, fields.unskip, released, fields.yank, fields.unyank, fields.aliases] };
    log.info(`Connecting to master at ${settings.importQueue}`);
    const action = await converse({
      address: settings.importQueue,
      timeoutMs: this.timeoutMs(settings),
      request,
      what: 'addition',
      log,
      refusal: (text) => REFUSALS[text] ?? text,
    });
    this.context.stdout.write(`${DONE_WORDS[action ?? ''] ?? 'Done'}: ${version === undefined ? pkg : `${pkg} ${version}`}\n`);
    return EXIT_OK;
  }
}
