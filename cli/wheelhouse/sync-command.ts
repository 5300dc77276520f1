/**
 * piw-wheelhouse sync OUTPUT_DIR CONTAINER: mirrors a piwheels master's output (its whole site and
 * package index) to a container, for a CDN or static web hosting to serve: only changed files are sent,
 * pages after the files they link, deletions last (actors/wheelhouse/sync.ts).
 */
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import type { Logger } from '../../actors/runtime/logger.js';
import { syncOutput } from '../../actors/wheelhouse/sync.js';
import type { Settings } from '../common/command.js';
import { flag } from '../common/config.js';
import { EXIT_OK } from '../common/errors.js';
import { containerSchemaEntries, WHEELHOUSE_METAVARS, WheelhouseCommand } from './container-command.js';
import { plural, rate } from './summary.js';

const schema = v.object({
  ...containerSchemaEntries,
  delete: flag(true),
  dryRun: flag(),
});

export class SyncCommand extends WheelhouseCommand<typeof schema> {
  static override paths = [['sync']];
  static metavars = WHEELHOUSE_METAVARS;
  static override usage = Command.Usage({
    description: "Mirror a piwheels master's output directory to a storage container",
    details: `
      Sends every file of the output directory (the master's --output-path) that the container lacks or
      has with other content; files first, then pages, deepest first, so that no page the container
      serves ever links a file it does not have yet; then deletes from the container what the output no
      longer has (unless --no-delete). Symlinks inside the output (project aliases, armv6l wheels) are
      sent as copies. Run it from cron or a systemd timer as the master's user.
    `,
    examples: [
      ['Mirror the index to S3', '$0 sync /var/www/piwheels s3://piwheels-mirror/'],
      ['See what would change', '$0 sync --dry-run /var/www/piwheels s3://piwheels-mirror/'],
    ],
  });

  delete = Option.Boolean('--delete', { description: 'Delete from the container what the output no longer has (default: yes; --no-delete keeps it)' });
  dryRun = Option.Boolean('-n,--dry-run', { description: 'Say what would be sent and deleted; change nothing' });
  outputDir = Option.String({ name: 'output_dir' });
  container = Option.String({ name: 'container' });

  settings() {
    return {
      options: {
        ...this.containerOptions(),
        delete: { flag: '--delete', given: this.delete },
        dryRun: { flag: '--dry-run', given: this.dryRun },
      },
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    const storage = this.openStorage(this.container, settings);
    const bars = this.bars('sync');
    try {
      const summary = await syncOutput({
        storage,
        outputDir: this.outputDir,
        log,
        maxWorkers: settings.maxWorkers,
        deleteRemoved: settings.delete,
        dryRun: settings.dryRun,
        transfers: bars,
      });
      bars.stop();
      if (settings.json) this.printJson(summary);
      else {
        const verb = summary.dryRun ? 'would send' : 'sent';
        this.context.stdout.write(
          `${verb} ${plural(summary.uploaded.length, 'file')} (${rate(summary.bytes, summary.seconds)}) to ${summary.container}, ` +
            `${summary.unchanged} unchanged, ${summary.dryRun ? 'would delete' : 'deleted'} ${summary.deleted.length}\n`,
        );
      }
      return EXIT_OK;
    } finally {
      bars.stop();
      storage.close();
    }
  }
}
