/**
 * What piw-import, piw-remove and piw-rebuild share beyond the common options: `--import-queue ADDR`
 * (environment PIW_IMPORT_QUEUE, key `import_queue`), `--timeout SECS`, how long to wait for each reply
 * of the master (PIW_MASTER_TIMEOUT, key `timeout`; 0 waits for ever, as 0.18's tools did), and `-y/--yes`.
 * Each tool spreads `toolSchemaEntries` into its schema and `toolOptions()` into its settings.
 */
import { Option } from 'clipanion';
import * as v from 'valibot';
import { DEFAULT_IMPORT_QUEUE } from '../../actors/mr-chase/defaults.js';
import { canonicalizeName, isProjectName } from '../../protocols/packaging/wheel-filename.js';
import { PiwCommand } from '../common/command.js';
import { flag, type OptionSpec } from '../common/config.js';
import { confirm } from '../common/confirm.js';
import { ConfigError } from '../common/errors.js';

/** How long a tool waits for each reply by default: long enough for the master to hash and file a big wheel. */
export const DEFAULT_TIMEOUT_S = 300;

/** A ZeroMQ address a tool can connect to. */
export function address(fallback: string) {
  return v.optional(v.pipe(v.string(), v.regex(/^(ipc|tcp):\/\/\S+$/, 'expected an ipc:// or tcp:// address')), fallback);
}

/** Seconds, fractions allowed; 0 = no limit. */
export function seconds(fallback: number) {
  return v.optional(
    v.pipe(
      v.union([v.number(), v.string()]),
      v.transform((x) => (typeof x === 'number' ? x : /^\s*\d+(\.\d+)?\s*$/.test(x) ? Number(x) : NaN)),
      v.number(),
      v.check((n) => Number.isFinite(n) && n >= 0, 'expected a number of seconds (0 for no limit)'),
    ),
    fallback,
  );
}

export const toolSchemaEntries = {
  importQueue: address(DEFAULT_IMPORT_QUEUE),
  timeout: seconds(DEFAULT_TIMEOUT_S),
  yes: flag(),
};

export abstract class MasterToolCommand<S extends v.GenericSchema> extends PiwCommand<S> {
  importQueue = Option.String('--import-queue', {
    description: `The address of the queue used by the tools to talk to the master (default: ${DEFAULT_IMPORT_QUEUE}); this should always be an ipc address`,
  });
  timeout = Option.String('--timeout', {
    description: `How many seconds to wait for each reply from the master (default: ${DEFAULT_TIMEOUT_S}; 0 waits for ever)`,
  });
  yes = Option.Boolean('-y,--yes', { description: 'Run non-interactively; never prompt during operation' });

  /** The shared settings' sources, to merge into a tool's own. */
  protected toolOptions(): Record<keyof typeof toolSchemaEntries, OptionSpec> {
    return {
      importQueue: { flag: '--import-queue', given: this.importQueue, env: 'PIW_IMPORT_QUEUE' },
      timeout: { flag: '--timeout', given: this.timeout, env: 'PIW_MASTER_TIMEOUT' },
      yes: { flag: '--yes', given: this.yes },
    };
  }

  /** --timeout as the conversation takes it. */
  protected timeoutMs(settings: { timeout: number }): number | undefined {
    return settings.timeout === 0 ? undefined : settings.timeout * 1000;
  }

  /** Asks `question [Y/n]` on the command's own streams. */
  protected async ask(question: string): Promise<boolean> {
    return confirm(question, { input: this.context.stdin, output: this.context.stdout });
  }
}

/**
 * A package name as the master stores it: PEP 503's canonical form, so `Foo_Bar` finds `foo-bar`. (0.18's
 * tools sent what was typed, and a name in any other spelling was "unknown".)
 */
export function packageArgument(name: string, what = 'package'): string {
  if (!isProjectName(name)) throw new ConfigError(`invalid ${what} name ${JSON.stringify(name)}: expected letters, digits, '.', '_' and '-'`);
  return canonicalizeName(name);
}
