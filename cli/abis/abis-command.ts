/**
 * piw-abis list | add TAG... | retire [-s REASON] TAG...: the build ABIs, administered without SQL, on a
 * PostgreSQL server or the embedded database, with the master running or not (schema/admin-session.ts).
 * `add` builds for an ABI from now on (a retired one is restored); `retire` stops building for it, its
 * wheels kept, with a reason (default "retired"). Each command's changes are one transaction.
 */
import { Command, Option } from 'clipanion';
import type { TransactionSql } from 'postgres';
import * as v from 'valibot';
import type { Logger } from '../../actors/runtime/logger.js';
import { openAdminSession } from '../../schema/admin-session.js';
import { addBuildAbi, checkAbi, listBuildAbis, retireBuildAbi } from '../../schema/build-abis.js';
import { PiwCommand, type Settings } from '../common/command.js';
import { flag, optionalText } from '../common/config.js';
import { ConfigError, EXIT_OK } from '../common/errors.js';

const schema = v.object({ dsn: optionalText(), json: flag() });

abstract class AbisCommand extends PiwCommand<typeof schema> {
  readonly section = 'abis';
  readonly logName = 'abis';
  static metavars = { '--dsn': 'DSN', '--skip': 'REASON' };

  dsn = Option.String('-d,--dsn', {
    description: 'The database (default: the embedded one, as piw-master); a PostgreSQL DSN must connect as the superuser',
  });
  json = Option.Boolean('--json', { description: 'Print the result as JSON' });

  settings() {
    return { options: { dsn: { flag: '--dsn', given: this.dsn, env: 'PIW_DSN' }, json: { flag: '--json', given: this.json } }, schema };
  }

  protected tags(tags: string[]): string[] {
    try {
      return tags.map(checkAbi);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }

  protected async changeEach(settings: Settings<typeof schema>, log: Logger, tags: string[], change: (sql: TransactionSql, tag: string) => Promise<string>) {
    const session = await openAdminSession(settings.dsn);
    try {
      log.info(`changing build ABIs in ${session.where}`);
      const results = await session.run(async (sql) => {
        const done: Record<string, string> = {};
        for (const tag of tags) done[tag] = await change(sql, tag);
        return done;
      });
      if (settings.json) this.context.stdout.write(`${JSON.stringify(results)}\n`);
      else for (const [tag, result] of Object.entries(results)) this.context.stdout.write(`${tag}: ${result}\n`);
      return EXIT_OK;
    } finally {
      await session.close();
    }
  }
}

export class ListAbisCommand extends AbisCommand {
  static override paths = [['list']];
  static override usage = Command.Usage({
    description: 'List the build ABIs: built for or retired (with the reason), builds made, versions queued',
    examples: [['The embedded database, master running or not', '$0 list'], ['A server', '$0 list -d postgres:///piwheels']],
  });

  async main(settings: Settings<typeof schema>): Promise<number> {
    const session = await openAdminSession(settings.dsn);
    try {
      const rows = await session.run((sql) => listBuildAbis(sql));
      if (settings.json) {
        this.context.stdout.write(`${JSON.stringify(rows)}\n`);
        return EXIT_OK;
      }
      const lines = [['ABI', 'STATUS', 'BUILDS', 'QUEUED'], ...rows.map((r) => [r.abi, r.skip === '' ? 'building' : `retired: ${r.skip}`, String(r.builds), String(r.queued)])];
      const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
      for (const line of lines) this.context.stdout.write(`${line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`);
      return EXIT_OK;
    } finally {
      await session.close();
    }
  }
}

export class AddAbisCommand extends AbisCommand {
  static override paths = [['add']];
  static override usage = Command.Usage({
    description: 'Build for these ABIs from now on (a retired one is restored)',
    details: 'A slave logs its ABI as it starts, and the master logs it at each HELLO. Nothing is queued for an ABI not in this list.',
    examples: [['Build for CPython 3.11 and 3.12', '$0 add cp311 cp312']],
  });
  abis = Option.Rest({ name: 'abi', required: 1 });

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    return this.changeEach(settings, log, this.tags(this.abis), (sql, tag) => addBuildAbi(sql, tag));
  }
}

export class RetireAbisCommand extends AbisCommand {
  static override paths = [['retire']];
  static override usage = Command.Usage({
    description: 'Stop building for these ABIs; their wheels stay',
    examples: [['Retire Python 3.9', '$0 retire -s "Python 3.9 is end of life" cp39']],
  });
  skip = Option.String('-s,--skip', { description: 'Why (default: retired)' });
  abis = Option.Rest({ name: 'abi', required: 1 });

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    const reason = this.skip ?? 'retired';
    if (reason === '' || reason.length > 100) throw new ConfigError('invalid value for option --skip: 1 to 100 characters');
    return this.changeEach(settings, log, this.tags(this.abis), (sql, tag) => retireBuildAbi(sql, tag, reason));
  }
}
