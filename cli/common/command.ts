/**
 * The base of every piw-* command: clipanion options common to all of them (`-c/--configuration`,
 * `-q/--quiet`, `-v/--verbose`, `-l/--log-file`; `--help` and `--version` come from `runCli`), settings
 * resolved by precedence and validated at start-up (config.ts), a logger (logger.ts), and one way of
 * ending: the exit status `main` returns, or the one its error deserves (errors.ts).
 *
 * A command declares its INI section, its options (clipanion `Option.*` fields, left undefined when not
 * given so the environment and files can fill them), a `settings()` that names each option's flag,
 * environment variable and schema, and `main(settings, log)`:
 *
 *     class HelloCommand extends PiwCommand<typeof schema> {
 *       static paths = [Command.Default];
 *       readonly section = 'hello';
 *       readonly logName = 'hello';
 *       name = Option.String('-n,--name', { description: 'Who to greet' });
 *       settings() { return { options: { name: { flag: '--name', given: this.name, env: 'PIW_NAME' } }, schema }; }
 *       async main(s: Settings<typeof schema>, log: Logger) { log.warn(`hello ${s.name}`); return 0; }
 *     }
 *     const schema = v.object({ name: text('world') });
 */
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import type { Logger } from '../../actors/runtime/logger.js';
import { flag, loadConfigFiles, optionalText, resolveSettings, type OptionSpec } from './config.js';
import { classify } from './errors.js';
import { createCliLogger, type CliLoggerOptions } from './logger.js';

export type Settings<S extends v.GenericSchema> = v.InferOutput<S>;

const commonSchema = v.object({ quiet: flag(), verbose: flag(), logFile: optionalText() });

export abstract class PiwCommand<S extends v.GenericSchema> extends Command {
  configuration = Option.String('-c,--configuration', { description: 'Specify a configuration file to load' });
  quiet = Option.Boolean('-q,--quiet', { description: 'Produce less console output' });
  verbose = Option.Boolean('-v,--verbose', { description: 'Produce more console output' });
  logFile = Option.String('-l,--log-file', { description: 'Log messages to the specified file' });

  /** The configuration-file section this command reads. */
  abstract readonly section: string;
  /** The name its log lines carry. */
  abstract readonly logName: string;
  /** Its own settings: where each comes from and how it is checked. */
  abstract settings(): { options: Record<string, OptionSpec>; schema: S };
  /** The command itself; resolves with the exit status. */
  abstract main(settings: Settings<S>, log: Logger): Promise<number>;

  /** Which loggers make debug lines and what the console shows, once settings are known (default: -q / -v). */
  protected logging(_settings: Settings<S>): Pick<CliLoggerOptions, 'level' | 'console'> {
    return {};
  }

  /** The environment settings are read from (tests replace it). */
  protected environment(): NodeJS.ProcessEnv {
    return process.env;
  }

  async execute(): Promise<number> {
    let log: Logger | undefined;
    let closeLog = () => {};
    try {
      const env = this.environment();
      const config = loadConfigFiles(this.section, this.configuration);
      const common = resolveSettings(
        {
          quiet: { flag: '--quiet', given: this.quiet },
          verbose: { flag: '--verbose', given: this.verbose },
          logFile: { flag: '--log-file', given: this.logFile },
        } satisfies Record<string, OptionSpec>,
        commonSchema,
        config,
        env,
      );
      const { options, schema } = this.settings();
      const settings = resolveSettings(options, schema, config, env);
      const logger = createCliLogger(this.logName, {
        ...common,
        ...this.logging(settings),
        write: (line) => this.context.stderr.write(line),
      });
      log = logger.log;
      closeLog = () => logger.close();
      for (const file of config.files) log.info(`read configuration from ${file}`);
      return await this.main(settings, log);
    } catch (err) {
      const { exitCode, expected, message } = classify(err);
      const shown = expected ? message : err instanceof Error ? (err.stack ?? message) : message;
      if (log) log.error(shown);
      else this.context.stderr.write(`${this.cli.binaryName}: ${shown}\n`);
      return exitCode;
    } finally {
      closeLog();
    }
  }
}
