/** The piw-initdb command: options (manual chapter 6) → settings → initdb(). */
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import type { Logger } from '../../actors/runtime/logger.js';
import { parseDsn } from '../../schema/dsn.js';
import { PiwCommand, type Settings } from '../common/command.js';
import { flag, text } from '../common/config.js';
import { confirm } from '../common/confirm.js';
import { ConfigError } from '../common/errors.js';
import { initdb } from './initdb.js';

export const DEFAULT_DSN = 'postgres:///piwheels';
export const DEFAULT_USER = 'piwheels';

const schema = v.object({
  dsn: text(DEFAULT_DSN),
  user: text(DEFAULT_USER),
  yes: flag(),
  quiet: flag(),
});

export class InitdbCommand extends PiwCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = { '--dsn': 'DSN', '--user': 'NAME' };
  static override usage = Command.Usage({
    description: 'Initialize or upgrade the piwheels master database',
    details: `
      The target PostgreSQL database must already exist, and the DSN should connect as a cluster superuser
      (e.g. the postgres user), in contrast to piw-master, which should not. The script prompts before
      making any permanent alterations, and runs everything within a single transaction, so that in the
      event of failure the database is left unchanged. Take a backup before upgrading nonetheless.

      Give \`-d pglite:\` (or \`pglite:/path/to/dir\`) for the embedded database piw-master uses when no
      DSN is configured; there the master role is created if missing.

      Settings may also come from the environment (PIW_INITDB_DSN, PIW_INITDB_USER) and from the
      [initdb] section of the configuration files.
    `,
  });

  readonly section = 'initdb';
  readonly logName = 'initdb';

  dsn = Option.String('-d,--dsn', {
    description: `The database to create or upgrade; this DSN must connect as the cluster superuser (default: ${DEFAULT_DSN})`,
  });
  user = Option.String('-u,--user', {
    description: `The name of the ordinary piwheels database user (default: ${DEFAULT_USER}); this must not be a cluster superuser`,
  });
  yes = Option.Boolean('-y,--yes', { description: 'Proceed without prompting before init/upgrades' });

  settings() {
    return {
      options: {
        dsn: { flag: '--dsn', given: this.dsn, env: 'PIW_INITDB_DSN' },
        user: { flag: '--user', given: this.user, env: 'PIW_INITDB_USER' },
        yes: { flag: '--yes', given: this.yes },
        quiet: { flag: '--quiet', given: this.quiet },
      },
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    let target;
    try {
      target = parseDsn(settings.dsn);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
    const out = this.context.stdout;
    return initdb(
      { target, user: settings.user, yes: settings.yes, quiet: settings.quiet },
      {
        log,
        print: (line) => {
          if (!settings.quiet) out.write(`${line}\n`);
        },
        write: (text) => {
          if (!settings.quiet) out.write(text);
        },
        confirm: (question) => confirm(question, { input: this.context.stdin, output: out }),
      },
    );
  }
}
