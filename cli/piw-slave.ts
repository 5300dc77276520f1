#!/usr/bin/env node
/**
 * piw-slave (manual chapter 3): a build slave. Connects to the master's slave queue, says HELLO with the
 * facts of this machine and of the Python it builds with, and builds what it is told with `pip wheel`
 * (spec/behaviours.md A.3), each build in a fresh temp dir under -d as its own process group, killed whole when
 * it outlives -t. Wheels go to the master's file queue. After master-timeout of silence it starts over
 * with a new connection (behaviour 191), and after transfer-timeout of silence during a file transfer too:
 * a restarted master never answers a transfer it did not expect, nor SENT from a slave it never met.
 *
 * Runs until the master says DIE or a signal (SIGTERM, SIGINT, SIGHUP) arrives: a running build is
 * stopped, its temp dir removed, BYE said, and the exit status is 0. A fatal error — a reply it cannot
 * read or that breaks the protocol, a build that will not stop — also says BYE, then exits 1 with the
 * reason; restarting it is the service manager's job (Restart=on-failure), as in 0.18. A bad option or
 * configuration exits 2. Refuses root (unless PIW_ALLOW_ROOT=1) and a clock before 2020-06-01.
 */
import { stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import type { Logger } from '../actors/runtime/logger.js';
import { checkClock, FILE_QUEUE_PORT, queueAddress, runSlave, SLAVE_QUEUE_PORT } from '../actors/slave/client/index.js';
import { machineFacts } from '../actors/slave/machine-facts.js';
import { serviceNotifier } from '../actors/systemd/index.js';
import { PiwCommand, type Settings } from './common/command.js';
import { optionalText, text } from './common/config.js';
import { ConfigError } from './common/errors.js';
import { refuseRoot } from './common/root.js';
import { main } from './common/run.js';
import { parseDuration } from './common/duration.js';

/** A duration in 0.18's forms (`3h`, `90m`, `1d2h`, `3:00:00`, plain seconds) → milliseconds, above zero. */
const duration = (fallback: string) =>
  v.pipe(
    v.optional(v.string(), fallback),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      try {
        const ms = parseDuration(dataset.value).totalMilliseconds;
        if (ms > 0) return ms;
        addIssue({ message: `expected a duration above zero, not ${JSON.stringify(dataset.value)}` });
      } catch (err) {
        addIssue({ message: (err as Error).message });
      }
      return NEVER;
    }),
  );

const schema = v.object({
  master: text('localhost'),
  timeout: duration('3h'),
  dir: text(tmpdir()),
  label: text(hostname()),
  python: text('python3'),
  slaveQueue: optionalText(),
  fileQueue: optionalText(),
  masterTimeout: duration('5m'),
  transferTimeout: duration('60s'),
});

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

export class SlaveCommand extends PiwCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = {
    '--master': 'HOST',
    '--timeout': 'DURATION',
    '--dir': 'DIR',
    '--label': 'LABEL',
    '--python': 'PYTHON',
    '--slave-queue': 'ADDR',
    '--file-queue': 'ADDR',
    '--master-timeout': 'DURATION',
    '--transfer-timeout': 'DURATION',
  };
  static override usage = Command.Usage({
    description: 'Build wheels on behalf of a piwheels master',
    details: `
      Intended to run on a standalone machine as an unprivileged user with a clean home directory; any build
      dependencies must already be installed. Runs until the master tells it to stop, or until SIGTERM or
      Ctrl+C (exit status 0); a fatal protocol error exits 1, a bad option 2.

      Durations are written as 3h, 90m, 1d2h, 45s, 3:00:00 or plain seconds. Settings may also come from the
      environment (PIW_MASTER, PIW_TIMEOUT, PIW_BUILD_DIR, PIW_LABEL, PIW_PYTHON, PIW_SLAVE_QUEUE,
      PIW_FILE_QUEUE, PIW_MASTER_TIMEOUT, PIW_TRANSFER_TIMEOUT) and from the [slave] section of the configuration files.
      PIW_ALLOW_ROOT=1 lets it run as root on a throw-away machine.

      Under systemd (scripts/systemd/piwheels-slave.service): Type=notify, READY once the master has
      answered (or after 10 s of trying, with a STATUS saying so), STATUS lines for systemctl status
      (waiting for master, idle, building PACKAGE VERSION), WATCHDOG=1 at half of WatchdogSec=, and
      STOPPING=1 on SIGTERM; Restart=on-failure (a fatal protocol error is meant to restart the slave, as
      in 0.18). A running build gets up to a minute to stop before BYE; the slave asks systemd for that time.
    `,
    examples: [['Build for the master at 10.0.0.1', '$0 -m 10.0.0.1']],
  });

  readonly section = 'slave';
  readonly logName = 'slave';

  master = Option.String('-m,--master', { description: 'The IP address or hostname of the master server (default: localhost)' });
  timeout = Option.String('-t,--timeout', { description: 'The time to wait before assuming a build has failed; the build is then killed (default: 3h)' });
  dir = Option.String('-d,--dir', { description: `The directory builds make their temporary directories in (default: ${tmpdir()})` });
  label = Option.String('-L,--label', { description: 'The label the master and its monitors show for this slave (default: the hostname)' });
  python = Option.String('--python', { description: 'The Python to build wheels with; its version, ABI and platform are the slave’s (default: python3)' });
  slaveQueue = Option.String('--slave-queue', { description: `The master's slave queue (default: tcp://HOST:${SLAVE_QUEUE_PORT})` });
  fileQueue = Option.String('--file-queue', { description: `The master's file queue (default: tcp://HOST:${FILE_QUEUE_PORT})` });
  masterTimeout = Option.String('--master-timeout', {
    description: 'How long to wait for the master before starting over with a new connection; the master drops a slave silent for as long (default: 5m)',
  });

  transferTimeout = Option.String('--transfer-timeout', {
    description:
      'How long a file transfer waits on a master that says nothing before starting over with a new connection, as after a master restart; at most the master timeout (default: 60s)',
  });

  settings() {
    return {
      options: {
        master: { flag: '--master', given: this.master, env: 'PIW_MASTER' },
        timeout: { flag: '--timeout', given: this.timeout, env: 'PIW_TIMEOUT' },
        dir: { flag: '--dir', given: this.dir, env: 'PIW_BUILD_DIR' },
        label: { flag: '--label', given: this.label, env: 'PIW_LABEL' },
        python: { flag: '--python', given: this.python, env: 'PIW_PYTHON' },
        slaveQueue: { flag: '--slave-queue', given: this.slaveQueue, env: 'PIW_SLAVE_QUEUE' },
        fileQueue: { flag: '--file-queue', given: this.fileQueue, env: 'PIW_FILE_QUEUE' },
        masterTimeout: { flag: '--master-timeout', given: this.masterTimeout, env: 'PIW_MASTER_TIMEOUT' },
        transferTimeout: { flag: '--transfer-timeout', given: this.transferTimeout, env: 'PIW_TRANSFER_TIMEOUT' },
      },
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    refuseRoot('Slave', { env: this.environment(), log });
    checkClock();
    const isDir = await stat(settings.dir).then((s) => s.isDirectory(), () => false);
    if (!isDir) throw new ConfigError(`invalid value for option --dir: ${settings.dir} is not a directory`);
    const facts = await machineFacts({ python: settings.python });
    log.info(`PiWheels Slave version 0.18: ${settings.label}, ${facts.abiTag} ${facts.platformTag} (${settings.python})`);

    const notifier = serviceNotifier();
    const stop = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      log.warn(`received ${signal}; stopping`);
      stop.abort(signal);
    };
    for (const s of SIGNALS) process.on(s, onSignal);
    try {
      const outcome = await runSlave({
        slaveQueue: settings.slaveQueue ?? queueAddress(settings.master, SLAVE_QUEUE_PORT),
        fileQueue: settings.fileQueue ?? queueAddress(settings.master, FILE_QUEUE_PORT),
        buildDir: settings.dir,
        buildTimeoutMs: settings.timeout,
        masterTimeoutMs: settings.masterTimeout,
        transferTimeoutMs: settings.transferTimeout,
        label: settings.label,
        python: settings.python,
        facts,
        log,
        signal: stop.signal,
        notifier,
      });
      log.warn(outcome.reason === 'dismissed' ? 'the master said DIE; stopped' : 'stopped');
      return 0;
    } finally {
      for (const s of SIGNALS) process.off(s, onSignal);
      notifier.close();
    }
  }
}

await main(SlaveCommand, { binaryName: 'piw-slave' });
