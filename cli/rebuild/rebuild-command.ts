/**
 * piw-rebuild PART [PACKAGE] (manual chapter 8; behaviours 204–205): asks the master to rewrite part of the
 * web site. `home` and `search` become HOME and SEARCH; `project` and `index` become PROJECT and BOTH, for
 * one package or, without one, for every package (confirmed first unless `-y`; no → exit 2). Exit 0 once
 * the master has queued the request, 1 when it refused (an unknown package). The package name is
 * canonicalised as piw-remove's is.
 */
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import type { Logger } from '../../actors/runtime/logger.js';
import type { ImportToolRequest } from '../../machines/import-session/tool.js';
import type { Settings } from '../common/command.js';
import { ConfigError, EXIT_OK, EXIT_USAGE } from '../common/errors.js';
import { converse } from '../master-link/master-link.js';
import { MasterToolCommand, packageArgument, toolSchemaEntries } from '../master-link/tool-command.js';

/** The manual's parts and the protocol's (behaviour 204). */
export const REBUILD_PARTS = { home: 'HOME', search: 'SEARCH', project: 'PROJECT', index: 'BOTH' } as const;
export type RebuildPart = keyof typeof REBUILD_PARTS;

const schema = v.object(toolSchemaEntries);

export class RebuildCommand extends MasterToolCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = { '--import-queue': 'ADDR', '--timeout': 'SECS' };
  static override usage = Command.Usage({
    description: 'Request that the piwheels master rewrite parts of the web site',
    details: `
      PART is one of:

      - home: the home page (/index.html) and the sitemaps
      - search: the search index (/packages.json)
      - project: the project page of PACKAGE (/project/PACKAGE/index.html)
      - index: the simple index and the project page of PACKAGE (/simple/PACKAGE/index.html too)

      Without PACKAGE, project and index are requested for every package the master knows, after a prompt
      (--yes skips it). The request is queued; the pages are written when the master gets to them. Must run
      on the same machine as piw-master.

      Settings may also come from the environment (PIW_IMPORT_QUEUE, PIW_MASTER_TIMEOUT) and from the
      [rebuild] section of the configuration files.
    `,
    examples: [
      ['Rewrite the home page', '$0 home'],
      ['Rewrite one package\'s pages', '$0 index foo'],
      ['Rewrite every project page, without asking', '$0 -y project'],
    ],
  });

  readonly section = 'rebuild';
  readonly logName = 'rebuild';

  part = Option.String({ name: 'part' });
  package = Option.String({ name: 'package', required: false });

  settings() {
    return {
      options: this.toolOptions(),
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    const part = this.part.toLowerCase();
    if (!Object.hasOwn(REBUILD_PARTS, part)) {
      throw new ConfigError(`invalid part ${JSON.stringify(this.part)}: choose from ${Object.keys(REBUILD_PARTS).join(', ')}`);
    }
    const verb = REBUILD_PARTS[part as RebuildPart];
    let request: ImportToolRequest;
    if (verb === 'HOME' || verb === 'SEARCH') {
      if (this.package !== undefined) log.warn(`${part} is not rewritten per package; ignoring ${this.package}`);
      request = { verb: 'REBUILD', data: [verb] };
    } else {
      const pkg = this.package === undefined ? null : packageArgument(this.package);
      if (pkg === null && !settings.yes) {
        const pages = verb === 'PROJECT' ? 'the project page' : 'the simple index and the project page';
        this.context.stdout.write(`This will rewrite ${pages} of every package the master knows.\n`);
        if (!(await this.ask('Proceed?'))) {
          log.warn('User aborted rebuild');
          return EXIT_USAGE;
        }
      }
      request = { verb: 'REBUILD', data: [verb, pkg] };
    }
    await converse({ address: settings.importQueue, timeoutMs: this.timeoutMs(settings), request, what: 'rebuild', log });
    log.info(`the master queued the rebuild of ${part}${request.data[1] ? ` for ${request.data[1]}` : request.data.length > 1 ? ' for every package' : ''}`);
    return EXIT_OK;
  }
}
