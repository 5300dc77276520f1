#!/usr/bin/env node
/**
 * piw-logger (manual chapter 10): feeds Apache access logs to the master. Reads the given files (`.gz`
 * decompressed) or standard input (none or `-`: Apache's piped-log mode, `CustomLog "|piw-logger --drop"
 * combined`), classifies each line (web-templates/README.md §7) and pushes the records to the master's log queue.
 * With `--drop` a record the master cannot take within 10 ms is dropped, so Apache never waits on us.
 * Malformed lines are counted and skipped. At the end the counts are logged (information level: shown with
 * -v, always written to -l FILE). SIGTERM, SIGINT and SIGHUP stop reading and end the run normally.
 *
 * Exit status: 0 when the input was read to its end; 2 for a bad option or format; 1 when a file cannot
 * be read, or the log queue is not the master's (a socket or directory of another user: actors/ipc).
 */
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import { LoggerError } from '../actors/access-log/errors.js';
import { openSources } from '../actors/access-log/line-source.js';
import { compileLogFormat, NAMED_FORMATS } from '../actors/access-log/log-format.js';
import { formatCounts } from '../actors/access-log/log-reader.js';
import { createLogPusher } from '../actors/access-log/log-pusher.js';
import { runLogger } from '../actors/access-log/run-logger.js';
import { checkIpcPeer } from '../actors/ipc/checks.js';
import { DEFAULT_LOG_QUEUE } from '../actors/lumberjack/log-queue.js';
import type { Logger } from '../actors/runtime/logger.js';
import { PiwCommand, type Settings } from './common/command.js';
import { flag, text } from './common/config.js';
import { ConfigError } from './common/errors.js';
import { main } from './common/run.js';

const schema = v.object({
  format: text('combined'),
  logQueue: text(DEFAULT_LOG_QUEUE),
  drop: flag(),
});

export class LoggerCommand extends PiwCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = { '--format': 'FORMAT', '--log-queue': 'ADDR' };
  static override usage = Command.Usage({
    description: 'Feed Apache access logs to the piwheels master',
    details: `
      Intended as an Apache "piped log" script, but pre-existing logs can be loaded too by naming them
      (compressed ones ending in .gz included) or feeding them to standard input. Must run on the same
      machine as piw-master.

      Settings may also come from the environment (PIW_LOGGER_FORMAT, PIW_LOG_QUEUE) and from the [logger]
      section of the configuration files.
    `,
    examples: [
      ['Apache configuration (piped log)', 'CustomLog "|/usr/local/bin/piw-logger --drop" combined'],
      ['Load old logs', '$0 /var/log/apache2/access.log.2.gz /var/log/apache2/access.log.1'],
    ],
  });

  readonly section = 'logger';
  readonly logName = 'logger';

  format = Option.String('--format', {
    description: `The Apache log format that log lines will be expected to be in (default: combined); the short-cuts ${Object.keys(NAMED_FORMATS).join(', ')} can be used in addition to Apache LogFormat strings`,
  });
  logQueue = Option.String('--log-queue', {
    description: `The address of the queue used by piw-logger (default: ${DEFAULT_LOG_QUEUE}); this should always be an ipc address`,
  });
  drop = Option.Boolean('--drop', {
    description: 'Drop log records if unable to send them to the master after a short timeout; this should generally be specified when piw-logger is used as a piped log script',
  });
  files = Option.Rest({ name: 'files' });

  settings() {
    return {
      options: {
        format: { flag: '--format', given: this.format, env: 'PIW_LOGGER_FORMAT' },
        logQueue: { flag: '--log-queue', given: this.logQueue, env: 'PIW_LOG_QUEUE' },
        drop: { flag: '--drop', given: this.drop },
      },
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    let parser;
    try {
      parser = compileLogFormat(settings.format);
    } catch (err) {
      if (err instanceof LoggerError) throw new ConfigError(`invalid value for option --format: ${err.message}`);
      throw err;
    }
    if (!parser.hasUserAgent) log.warn(`the log format ${JSON.stringify(parser.format)} has no %{User-Agent}i: every line will be ignored`);
    // Records go only to a socket of the master's user (or, in a private directory, one still to come).
    await checkIpcPeer(settings.logQueue);
    const stdin = this.context.stdin;
    const sources = await openSources(this.files, () => stdin);
    const pusher = createLogPusher({ address: settings.logQueue, drop: settings.drop });
    const stop = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      log.info(`received ${signal}; stopping`);
      stop.abort();
      // A read waiting on a quiet pipe ends here rather than at Apache's next line.
      stdin.destroy();
    };
    const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
    for (const s of signals) process.on(s, onSignal);
    try {
      const counts = await runLogger({ parser, sources, queue: pusher, log, signal: stop.signal });
      log.info(formatCounts(counts));
      return 0;
    } finally {
      for (const s of signals) process.off(s, onSignal);
      pusher.close();
    }
  }
}

await main(LoggerCommand, { binaryName: 'piw-logger' });
