/**
 * piw-remove PACKAGE [VERSION] (manual chapter 9; behaviour 203): asks the master to remove a package, or
 * one version of it. Its builds are forgotten and their files deleted from the site; without `--skip` the
 * package (or version) goes too, with `--skip REASON` it stays, marked not to be built again. Confirmed
 * unless `-y` (no → exit 2); exit 0 on the master's DONE, 1 on its ERROR (unknown package or version),
 * with nothing removed.
 *
 * The package name is canonicalised (PEP 503) before it is sent, since the master stores canonical names:
 * 0.18 sent it as typed, so `piw-remove Foo_Bar` was "unknown package Foo_Bar".
 */
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import type { Logger } from '../../actors/runtime/logger.js';
import type { Settings } from '../common/command.js';
import { ConfigError, EXIT_OK, EXIT_USAGE } from '../common/errors.js';
import { converse } from '../master-link/master-link.js';
import { MasterToolCommand, packageArgument, toolSchemaEntries } from '../master-link/tool-command.js';

/** The database keeps at most this many characters of a skip reason. */
export const MAX_SKIP_REASON = 100;

const schema = v.object({
  ...toolSchemaEntries,
  skip: v.optional(v.pipe(v.string(), v.nonEmpty('expected a reason'), v.maxLength(MAX_SKIP_REASON, `expected at most ${MAX_SKIP_REASON} characters`))),
});

export class RemoveCommand extends MasterToolCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = { '--skip': 'REASON', '--import-queue': 'ADDR', '--timeout': 'SECS' };
  static override usage = Command.Usage({
    description: 'Remove a package, or a version of a package, from the piwheels system',
    details: `
      All builds of the package (or version) are forgotten and the files they made are deleted from the
      site. Without --skip the package (or version) is deleted entirely, and may be built again when PyPI
      still has it; with --skip it stays, marked with the reason, so it is never built again. The package
      name is canonicalised (Foo_Bar is foo-bar). Must run on the same machine as piw-master.

      Exits 0 once the master has removed it; non-zero if anything failed (an unknown package or version
      removes nothing).

      Settings may also come from the environment (PIW_IMPORT_QUEUE, PIW_MASTER_TIMEOUT) and from the
      [remove] section of the configuration files.
    `,
    examples: [
      ['Remove one version', '$0 foo 1.0'],
      ['Remove every build of a package and never build it again', '$0 -y -s "maintainer request" foo'],
    ],
  });

  readonly section = 'remove';
  readonly logName = 'remove';

  skip = Option.String('-s,--skip', { description: 'Leave the package (or version) in place, marked with a reason to prevent future build attempts' });
  package = Option.String({ name: 'package' });
  packageVersion = Option.String({ name: 'version', required: false });

  settings() {
    return {
      options: {
        ...this.toolOptions(),
        skip: { flag: '--skip', given: this.skip },
      },
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    const pkg = packageArgument(this.package);
    if (pkg !== this.package) log.info(`${this.package} is known to the master as ${pkg}`);
    const version = this.packageVersion ?? null;
    if (version !== null && (version === '' || /\s/.test(version))) throw new ConfigError(`invalid version ${JSON.stringify(version)}`);
    const reason = settings.skip ?? '';
    const what = version === null ? `package ${pkg}` : `${pkg} ${version}`;
    if (!settings.yes) {
      const effect =
        reason === ''
          ? version === null
            ? `Package ${pkg}, every version, build and file of it, will be deleted.`
            : `Version ${version} of ${pkg}, its builds and files, will be deleted.`
          : `The builds and files of ${what} will be deleted; it will stay, marked to skip: ${reason}.`;
      this.context.stdout.write(`${effect}\n`);
      if (!(await this.ask('Proceed?'))) {
        log.warn('User aborted removal');
        return EXIT_USAGE;
      }
    }
    await converse({
      address: settings.importQueue,
      timeoutMs: this.timeoutMs(settings),
      request: { verb: 'REMOVE', data: [pkg, version, reason] },
      what: 'removal',
      log,
    });
    log.info(reason === '' ? `removed ${what}` : `removed the builds of ${what}, now skipped: ${reason}`);
    return EXIT_OK;
  }
}
