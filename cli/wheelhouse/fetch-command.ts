/**
 * piw-wheelhouse fetch --version X.Y.Z [--local-folder DIR] PROJECT [URL ...] (seed 004): every artifact of
 * that version linked from the pages given (any PEP 503 index, a --find-links page, a container's
 * index.html) or held by the containers given (s3://, a file:// directory: through the storage API, for
 * private containers), into DIR (default dist/), verified against their hashes, skipping files already
 * there and intact. With no URL, setup.cfg's [wheelhouse_uploader] artifact_indexes are used, as the
 * original's `python setup.py fetch_artifacts` did.
 */
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import type { Logger } from '../../actors/runtime/logger.js';
import { fetchArtifacts } from '../../actors/wheelhouse/fetch.js';
import { isProjectName } from '../../protocols/packaging/wheel-filename.js';
import type { Settings } from '../common/command.js';
import { optionalText, text } from '../common/config.js';
import { ConfigError, EXIT_OK } from '../common/errors.js';
import { containerSchemaEntries, WHEELHOUSE_METAVARS, WheelhouseCommand } from './container-command.js';
import { artifactIndexes, fetchSources } from './sources.js';
import { plural, rate } from './summary.js';

const schema = v.object({
  ...containerSchemaEntries,
  localFolder: text('dist'),
  version: optionalText(),
  setupCfg: text('setup.cfg'),
});

export class FetchCommand extends WheelhouseCommand<typeof schema> {
  static override paths = [['fetch']];
  static metavars = WHEELHOUSE_METAVARS;
  static override usage = Command.Usage({
    description: 'Fetch every artifact of one version of a project from index pages or storage containers',
    details: `
      Downloads every wheel and sdist of the project at --version (every version without it) linked from
      the given pages (a PEP 503 index such as piwheels' or PyPI's simple/, a --find-links page, a
      container's index.html) or held by the given containers (s3://bucket/prefix or a file:// directory,
      read through the storage API with the same options as upload: private containers need no public
      page). Each file is checked against the hash its page or object gives before it is kept; files
      already in the folder and intact are not fetched again.

      With no URL, the artifact_indexes of setup.cfg's [wheelhouse_uploader] section are used.
    `,
    examples: [
      ['Fetch a release from a public wheelhouse', '$0 fetch --version 1.2.0 --local-folder dist/ myproject https://wheelhouse.example.org/'],
      ['Fetch from a private bucket', '$0 fetch --version 1.2.0 myproject s3://ci-wheels/myproject'],
      ['Fetch from the indexes setup.cfg lists', '$0 fetch --version 1.2.0 myproject'],
    ],
  });

  localFolder = Option.String('--local-folder', { description: 'The folder to store fetched files in (default: dist)' });
  version = Option.String('--version', { description: 'The version of the artifacts to fetch (default: every version)' });
  setupCfg = Option.String('--setup-cfg', { description: 'Where to read artifact_indexes when no URL is given (default: setup.cfg)' });
  project = Option.String({ name: 'project' });
  urls = Option.Rest({ name: 'url' });

  settings() {
    return {
      options: {
        ...this.containerOptions(),
        localFolder: { flag: '--local-folder', given: this.localFolder },
        version: { flag: '--version', given: this.version },
        setupCfg: { flag: '--setup-cfg', given: this.setupCfg },
      },
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    if (!isProjectName(this.project)) throw new ConfigError(`invalid project name ${JSON.stringify(this.project)}`);
    const urls = this.urls.length > 0 ? this.urls : await artifactIndexes(settings.setupCfg);
    const sources = await fetchSources(urls, settings.provider, (spec) => this.openStorage(spec, settings));
    const bars = this.bars('fetch');
    try {
      const summary = await fetchArtifacts({
        project: this.project,
        version: settings.version,
        sources,
        folder: settings.localFolder,
        log,
        maxWorkers: settings.maxWorkers,
        transfers: bars,
      });
      bars.stop();
      if (settings.json) this.printJson(summary);
      else {
        this.context.stdout.write(
          `fetched ${plural(summary.fetched.length, 'file')} (${rate(summary.bytes, summary.seconds)}) to ${settings.localFolder}` +
            `${summary.unchanged.length > 0 ? `, ${summary.unchanged.length} already there` : ''}\n`,
        );
      }
      return EXIT_OK;
    } finally {
      bars.stop();
      for (const source of sources) if (source.kind === 'container') source.storage.close();
    }
  }
}
