/**
 * piw-wheelhouse upload [--local-folder DIR] CONTAINER (seed 004): every wheel and sdist of DIR (default
 * dist/) into the container, then its index.html (and the PEP 503 pages under simple/) rebuilt from the
 * container's listing, so that pip can use it with --find-links or --index-url. Safe with several CI
 * workers uploading to one container at once (actors/wheelhouse/index-update.ts says why).
 */
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import type { Logger } from '../../actors/runtime/logger.js';
import { Templates } from '../../actors/scribe/templates.js';
import { uploadFolder } from '../../actors/wheelhouse/upload.js';
import type { Settings } from '../common/command.js';
import { flag, text } from '../common/config.js';
import { EXIT_OK } from '../common/errors.js';
import { containerSchemaEntries, WHEELHOUSE_METAVARS, WheelhouseCommand } from './container-command.js';
import { plural, rate } from './summary.js';

const schema = v.object({
  ...containerSchemaEntries,
  localFolder: text('dist'),
  updateIndex: flag(true),
  force: flag(),
});

export class UploadCommand extends WheelhouseCommand<typeof schema> {
  static override paths = [['upload']];
  static metavars = WHEELHOUSE_METAVARS;
  static override usage = Command.Usage({
    description: 'Upload wheels and sdists to a storage container and keep its index.html',
    details: `
      Uploads every wheel and sdist in the local folder to the container, each with its SHA-256, skipping
      files the container already has unchanged (unless --force). Then rebuilds the container's index.html
      (every file it holds, with #sha256= fragments: pip's --find-links page) and a PEP 503 simple index
      under simple/ (pip's --index-url), from the container's own listing: several workers uploading at
      once keep each other's files in the index.

      The container is file:///path (a local directory), s3://bucket/prefix (S3 or an S3-compatible
      service with --endpoint-url), or a bare name with --provider. Credentials: --username/--secret, or
      WHEELHOUSE_UPLOADER_USERNAME/WHEELHOUSE_UPLOADER_SECRET, else the AWS SDK's own (AWS_ACCESS_KEY_ID, ...).
    `,
    examples: [
      ['Upload dist/ to an S3 bucket', '$0 upload --local-folder dist/ s3://my-wheelhouse/'],
      ['Upload to MinIO', '$0 upload --endpoint-url http://minio:9000 --username KEY --secret SECRET s3://wheels/nightly'],
      ['Upload to a local directory served by a web server', '$0 upload file:///srv/wheelhouse'],
    ],
  });

  localFolder = Option.String('--local-folder', { description: 'The folder to upload (default: dist)' });
  updateIndex = Option.Boolean('--update-index', { description: 'Rebuild the index pages after uploading (default: yes; --no-update-index skips it)' });
  force = Option.Boolean('--force', { description: 'Upload every file, even those the container already has' });
  container = Option.String({ name: 'container' });

  settings() {
    return {
      options: {
        ...this.containerOptions(),
        localFolder: { flag: '--local-folder', given: this.localFolder },
        updateIndex: { flag: '--update-index', given: this.updateIndex },
        force: { flag: '--force', given: this.force },
      },
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    const storage = this.openStorage(this.container, settings);
    const bars = this.bars('upload');
    try {
      const summary = await uploadFolder({
        storage,
        templates: new Templates(),
        folder: settings.localFolder,
        log,
        maxWorkers: settings.maxWorkers,
        updateIndex: settings.updateIndex,
        force: settings.force,
        transfers: bars,
      });
      bars.stop();
      if (settings.json) this.printJson(summary);
      else {
        const index = summary.index === null ? '' : `; index.html lists ${plural(summary.index.files, 'file')}`;
        this.context.stdout.write(
          `uploaded ${plural(summary.uploaded.length, 'file')} (${rate(summary.bytes, summary.seconds)}) to ${summary.container}` +
            `${summary.unchanged.length > 0 ? `, ${summary.unchanged.length} already there` : ''}${index}\n`,
        );
      }
      return EXIT_OK;
    } finally {
      bars.stop();
      storage.close();
    }
  }
}
