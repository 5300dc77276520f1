/**
 * What every piw-wheelhouse command shares: the storage options (the original's `--provider`,
 * `--username`, `--secret` and `--region`, and S3-compatible services' `--endpoint-url` and
 * `--path-style`), `--max-workers`, `--json`, and how a container argument becomes a `Storage`.
 * Settings also come from the environment (WHEELHOUSE_UPLOADER_USERNAME, _SECRET, _PROVIDER, _REGION,
 * _ENDPOINT_URL, as the original's credentials did) and from the [wheelhouse] section of the
 * configuration files.
 */
import { Option } from 'clipanion';
import * as v from 'valibot';
import { openContainer, PROVIDERS } from '../../actors/storage/container.js';
import type { Storage } from '../../actors/storage/storage.js';
import { PiwCommand, type Settings } from '../common/command.js';
import { flag, integer, optionalText, type OptionSpec } from '../common/config.js';
import { progressBars, type ProgressBars } from './progress.js';

export const containerSchemaEntries = {
  provider: v.optional(v.pipe(v.string(), v.toLowerCase(), v.picklist([...PROVIDERS], `expected one of ${PROVIDERS.join(', ')}`))),
  username: optionalText(),
  secret: optionalText(),
  region: optionalText(),
  endpointUrl: v.optional(v.pipe(v.string(), v.regex(/^https?:\/\/[^/\s]+\/?$/, 'expected http(s)://host[:port]'))),
  pathStyle: v.optional(flag()),
  maxWorkers: integer(4, 1, 64),
  json: flag(),
};

/** What each option's value is called in help (one set for the three commands: the general help lists them all). */
export const WHEELHOUSE_METAVARS = {
  '--provider-name': 'NAME',
  '--username': 'NAME',
  '--secret': 'KEY',
  '--region': 'REGION',
  '--endpoint-url': 'URL',
  '--max-workers': 'N',
  '--local-folder': 'DIR',
  '--version': 'X.Y.Z',
  '--setup-cfg': 'FILE',
};

type ContainerSettings = Settings<v.ObjectSchema<typeof containerSchemaEntries, undefined>>;

export abstract class WheelhouseCommand<S extends v.GenericSchema> extends PiwCommand<S> {
  readonly section = 'wheelhouse';
  readonly logName = 'wheelhouse';

  provider = Option.String('--provider,--provider-name', { description: `The storage of a bare container name: ${PROVIDERS.join(', ')} (default: s3)` });
  username = Option.String('--username', { description: 'The storage account: the S3 access key id (or the base directory of a local container)' });
  secret = Option.String('--secret', { description: 'The secret key of the storage account' });
  region = Option.String('--region', { description: 'The S3 region (default: AWS_REGION, else us-east-1)' });
  endpointUrl = Option.String('--endpoint-url', { description: 'The address of an S3-compatible service (MinIO, Ceph, R2, ...)' });
  pathStyle = Option.Boolean('--path-style', {
    description: 'Name the bucket in the path, not the host name (default: on with --endpoint-url or --provider minio)',
  });
  maxWorkers = Option.String('--max-workers', { description: 'How many files to transfer at once (default: 4)' });
  json = Option.Boolean('--json', { description: 'Print a JSON summary on stdout when done' });

  protected containerOptions(): Record<keyof typeof containerSchemaEntries, OptionSpec> {
    return {
      provider: { flag: '--provider', given: this.provider, env: 'WHEELHOUSE_UPLOADER_PROVIDER' },
      username: { flag: '--username', given: this.username, env: 'WHEELHOUSE_UPLOADER_USERNAME' },
      secret: { flag: '--secret', given: this.secret, env: 'WHEELHOUSE_UPLOADER_SECRET' },
      region: { flag: '--region', given: this.region, env: 'WHEELHOUSE_UPLOADER_REGION' },
      endpointUrl: { flag: '--endpoint-url', given: this.endpointUrl, env: 'WHEELHOUSE_UPLOADER_ENDPOINT_URL' },
      pathStyle: { flag: '--path-style', given: this.pathStyle },
      maxWorkers: { flag: '--max-workers', given: this.maxWorkers },
      json: { flag: '--json', given: this.json },
    };
  }

  /** The container a command-line argument names. */
  protected openStorage(spec: string, settings: ContainerSettings): Storage {
    return openContainer(spec, {
      provider: settings.provider,
      username: settings.username,
      secret: settings.secret,
      region: settings.region,
      endpointUrl: settings.endpointUrl,
      pathStyle: settings.pathStyle,
    });
  }

  /** Progress bars on stderr (when it is a terminal and neither -q nor -v). */
  protected bars(label: string): ProgressBars {
    return progressBars(this.context.stderr, { label, quiet: this.quiet ?? false, verbose: this.verbose ?? false });
  }

  /** The --json summary. */
  protected printJson(summary: unknown): void {
    this.context.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  }
}
