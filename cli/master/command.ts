/**
 * The piw-master command (manual chapter 2): options → settings (command line, PIW_* environment, the
 * [master] section of the configuration files) → the master (actors/master).
 *
 * Beyond 0.18's options: --pypi-json (0.18.x), --oracles, --max-file-size, --site-url, --pypi-hold and
 * --rewrite-delay, knobs of the tasks that take them, and --inspect (a live view of the actors,
 * actors/inspect). --dev-mode is 0.18's: new packages are added skipped "development mode" (never built),
 * debug logging, rewrites held 3 s, and (ours) PyPI's events not held; a demo that wants its packages
 * built uses `--pypi-hold 0 --rewrite-delay 3` instead.
 *
 * The queues 0.18 bound in-process (--web-queue, --builds-queue, --db-queue, --fs-queue, --stats-queue) are
 * accepted for compatibility with existing configuration files, but this master's in-process queues are
 * its bus, so only inproc:// addresses make sense and anything else is refused rather than silently
 * ignored.
 *
 * Exit status: 0 after a clean stop (QUIT, SIGTERM, Ctrl+C); 2 for a bad option or configuration; 1 when
 * the master cannot start (root, database missing or at the wrong version, a socket address taken) or a
 * crash loop stopped it.
 */
import os from 'node:os';
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import { DEFAULT_CONTROL_QUEUE, DEFAULT_STATUS_QUEUE, defaultConfig, type MasterConfig } from '../../actors/master/config.js';
import { Master } from '../../actors/master/master.js';
import { handleSignals } from '../../actors/master/signals.js';
import { surviveDbClientRejections } from '../../actors/master/client-rejections.js';
import { DEFAULT_INSPECT_ADDRESS, parseInspectAddress } from '../../actors/inspect/address.js';
import type { Logger } from '../../actors/runtime/logger.js';
import { serviceNotifier } from '../../actors/systemd/index.js';
import { parseDsn } from '../../schema/dsn.js';
import { PiwCommand, type Settings } from '../common/command.js';
import { flag, integer, optionalText, text } from '../common/config.js';
import { ConfigError } from '../common/errors.js';
import { refuseRoot } from '../common/root.js';
import { VERSION } from '../common/run.js';
import { fnmatch } from './fnmatch.js';

const DEFAULTS = defaultConfig();

/** A ZeroMQ address another process can reach. */
const address = (fallback: string) =>
  v.optional(v.pipe(v.string(), v.regex(/^(tcp|ipc):\/\/.+$/, 'expected a tcp:// or ipc:// address')), fallback);

/** One of 0.18's inproc queues: this master's bus. */
const inproc = (fallback: string) =>
  v.optional(
    v.pipe(v.string(), v.regex(/^inproc:\/\/.+$/, "expected an inproc:// address (the master's internal queues run in-process)")),
    fallback,
  );

const isHttpUrl = (u: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(u).protocol);
  } catch {
    return false;
  }
};
const url = (fallback: string) => v.optional(v.pipe(v.string(), v.check(isHttpUrl, 'expected an http:// or https:// URL')), fallback);

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Bytes, or a number with a binary suffix: 500M, 2G, 2GiB. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+)\s*(?:([kmgt])(?:i?b)?|b)?\s*$/i.exec(text);
  if (m === null) return NaN;
  return Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()]!;
}
const size = (fallback: number) =>
  v.optional(
    v.pipe(
      v.string(),
      v.transform(parseSize),
      v.check((n) => Number.isSafeInteger(n) && n > 0, 'expected a size in bytes, or with a suffix K, M, G or T (e.g. 2G)'),
    ),
    String(fallback),
  );

/** Whole seconds, left undefined when not given (the default depends on --dev-mode). */
const seconds = () =>
  v.optional(
    v.pipe(
      v.string(),
      v.transform((x) => (/^\s*\d+\s*$/.test(x) ? Number(x) : NaN)),
      v.check((n) => Number.isSafeInteger(n) && n <= 86_400, 'expected a whole number of seconds (at most a day)'),
    ),
  );

/** Patterns given several times, or as a comma- or space-separated list (environment, files). */
const patterns = () =>
  v.optional(
    v.pipe(
      v.string(),
      v.transform((s) => s.split(/[\s,]+/).filter(Boolean)),
    ),
    '',
  );

/** --inspect: off, the bare switch (the default address), or a loopback address (actors/inspect/address.ts). */
const inspectAddress = () =>
  v.optional(
    v.pipe(
      v.union([v.boolean(), v.string()]),
      v.rawTransform(({ dataset, addIssue, NEVER }) => {
        try {
          return parseInspectAddress(dataset.value);
        } catch (err) {
          addIssue({ message: (err as Error).message });
          return NEVER;
        }
      }),
    ),
  );

const schema = v.object({
  dsn: optionalText(),
  outputPath: text(DEFAULTS.outputPath),
  devMode: flag(),
  debug: patterns(),
  pypiHold: seconds(),
  rewriteDelay: seconds(),
  pypiXmlrpc: url(DEFAULTS.pypiXmlrpc),
  pypiSimple: url(DEFAULTS.pypiSimple),
  pypiJson: url(DEFAULTS.pypiJson),
  statusQueue: address(DEFAULT_STATUS_QUEUE),
  controlQueue: address(DEFAULT_CONTROL_QUEUE),
  importQueue: address(DEFAULTS.queues.import),
  logQueue: address(DEFAULTS.queues.log),
  slaveQueue: address(DEFAULTS.queues.slave),
  fileQueue: address(DEFAULTS.queues.file),
  webQueue: inproc('inproc://web'),
  buildsQueue: inproc('inproc://builds'),
  dbQueue: inproc('inproc://db'),
  fsQueue: inproc('inproc://fs'),
  statsQueue: inproc('inproc://stats'),
  oracles: integer(DEFAULTS.oracles, 1, 64),
  maxFileSize: size(DEFAULTS.maxFileSize),
  siteUrl: v.optional(v.pipe(v.string(), v.check(isHttpUrl, 'expected an http:// or https:// URL'))),
  inspect: inspectAddress(),
});

type MasterSettings = Settings<typeof schema>;

/**
 * `--inspect ADDR` as `--inspect=ADDR`: the option's value is optional, which clipanion takes in the
 * second form only, and piw-master has no positional arguments for a word after it to be mistaken for.
 */
export function joinInspectValue(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i] === '--inspect' && next !== undefined && !next.startsWith('-')) out.push(`--inspect=${argv[++i]}`);
    else out.push(argv[i]!);
  }
  return out;
}

/** `~` and `~/…` as the shell (and 0.18's os.path.expanduser) would have it. */
function expandHome(p: string): string {
  return p === '~' ? os.homedir() : p.startsWith('~/') ? `${os.homedir()}${p.slice(1)}` : p;
}

/** The master's configuration from validated settings; what is not given takes the mode's default. */
export function masterConfig(s: MasterSettings): MasterConfig {
  const defaults = defaultConfig({ devMode: s.devMode });
  return {
    dsn: s.dsn,
    outputPath: expandHome(s.outputPath),
    devMode: s.devMode,
    pypiHoldSeconds: s.pypiHold ?? defaults.pypiHoldSeconds,
    rewriteDelayMs: s.rewriteDelay === undefined ? defaults.rewriteDelayMs : s.rewriteDelay * 1000,
    pypiXmlrpc: s.pypiXmlrpc,
    pypiSimple: s.pypiSimple,
    pypiJson: s.pypiJson,
    queues: {
      status: s.statusQueue,
      control: s.controlQueue,
      import: s.importQueue,
      log: s.logQueue,
      slave: s.slaveQueue,
      file: s.fileQueue,
    },
    oracles: s.oracles,
    maxFileSize: s.maxFileSize,
    siteUrl: s.siteUrl,
    inspect: s.inspect,
  };
}

export class MasterCommand extends PiwCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = {
    '--dsn': 'DSN',
    '--output-path': 'PATH',
    '--debug': 'PATTERN',
    '--pypi-hold': 'SECONDS',
    '--rewrite-delay': 'SECONDS',
    '--pypi-xmlrpc': 'URL',
    '--pypi-simple': 'URL',
    '--pypi-json': 'URL',
    '--status-queue': 'ADDR',
    '--control-queue': 'ADDR',
    '--import-queue': 'ADDR',
    '--log-queue': 'ADDR',
    '--slave-queue': 'ADDR',
    '--file-queue': 'ADDR',
    '--web-queue': 'ADDR',
    '--builds-queue': 'ADDR',
    '--db-queue': 'ADDR',
    '--fs-queue': 'ADDR',
    '--stats-queue': 'ADDR',
    '--oracles': 'N',
    '--max-file-size': 'SIZE',
    '--site-url': 'URL',
  };
  static override usage = Command.Usage({
    description: 'The piwheels master: follows PyPI, hands builds to slaves, collects their wheels, writes the index',
    details: `
      The piw-master script is intended to be run on the database and file-server machine. It is
      recommended you do not run piw-slave on the same machine as the piw-master script. The database
      specified in the configuration must exist and have been configured with the piw-initdb script; with
      no DSN the master uses its embedded database, created on first use. Run piw-master as an ordinary
      unprivileged user with write access to the output directory: it refuses to run as root unless the
      environment variable PIW_ALLOW_ROOT=1 is set (for throw-away machines such as CI containers).

      Stop it with SIGTERM (systemd), Ctrl+C, or QUIT from piw-monitor; pending page rewrites are saved and
      picked up at the next start. Under systemd (scripts/systemd/piwheels-master.service, Type=notify) it
      says READY once every task is ready and every socket bound, keeps a STATUS line for systemctl status
      (slaves, builds queued, paused), pings WatchdogSec= at half its period and asks for more time while
      a task starts or stops.

      Development mode (--dev-mode) is for working on piwheels itself: as in 0.18, new packages are added
      with the skip reason 'development mode' (so never built), logging includes debug lines and page
      rewrites are held 3 s; PyPI's events are not held back either. To try the whole pipeline against a
      local stand-in of PyPI, use --pypi-hold 0 --rewrite-delay 3 instead.

      The ipc queues (status, control, import, log) default to sockets in a directory only the master's
      user (and its group) can enter: PIW_IPC_DIR if set, /run/piwheels under systemd (RuntimeDirectory=),
      else /tmp/piwheels-UID (made with mode 0700); the tools look in the same place. A socket or directory
      someone else made there, or at an address given, is refused.

      The live view (--inspect) is a page that shows the master's actors as a tree and, for the one you
      choose, its current state marked on its statechart and its last events, updated as they happen
      (xstate's inspection API; nothing is attached without the option). It is off by default. A bare
      --inspect serves it at http://${DEFAULT_INSPECT_ADDRESS}/; --inspect=PORT or --inspect=HOST:PORT
      elsewhere (--inspect=127.0.0.1:0: any free port, logged at start). It has no password, so only a
      loopback address is accepted (127.0.0.1, ::1, localhost); from another machine, use an SSH tunnel.

      Settings may also come from the environment (PIW_MASTER_DSN, PIW_MASTER_OUTPUT_PATH,
      PIW_MASTER_DEV_MODE, PIW_MASTER_DEBUG, PIW_MASTER_PYPI_HOLD, PIW_MASTER_REWRITE_DELAY,
      PIW_MASTER_PYPI_XMLRPC, PIW_MASTER_PYPI_SIMPLE, PIW_MASTER_PYPI_JSON, PIW_MASTER_ORACLES,
      PIW_MASTER_MAX_FILE_SIZE, PIW_MASTER_SITE_URL, PIW_MASTER_INSPECT (yes, or an address), and
      PIW_<NAME>_QUEUE for each queue, e.g. PIW_SLAVE_QUEUE) and from the [master] section of the
      configuration files (keys named after the long options: dsn, output_path, slave_queue, inspect, ...).
    `,
    examples: [
      ['Run on the local PostgreSQL server, writing the site for Apache', '$0 -v -d postgres:///piwheels -o /var/www/piwheels'],
      [
        'Follow a local PyPI stand-in on the embedded database, building what it lists',
        '$0 -v -o ~/piwheels-www --pypi-xmlrpc http://127.0.0.1:8080/pypi --pypi-json http://127.0.0.1:8080/pypi --pypi-simple http://127.0.0.1:8080/simple --pypi-hold 0 --rewrite-delay 3',
      ],
    ],
  });

  readonly section = 'master';
  readonly logName = 'master';

  dsn = Option.String('-d,--dsn', {
    description: 'The database to use; this database must be configured with piw-initdb and the user should not be a PostgreSQL superuser (default: the embedded database)',
  });
  outputPath = Option.String('-o,--output-path', {
    description: `The path under which the website should be written; must be writable by the current user (default: ${DEFAULTS.outputPath})`,
  });
  devMode = Option.Boolean('--dev-mode', {
    description: 'Run the master in development mode, which reduces some timeouts and tweaks some defaults',
  });
  debug = Option.Array('--debug', {
    description: 'Set logging to debug level for the tasks whose names match this pattern (e.g. master.slave_driver, master.*); can be specified multiple times',
  });
  pypiHold = Option.String('--pypi-hold', {
    description: "How long PyPI's events are held back to put them in order, in seconds (default: 300; 0 with --dev-mode)",
  });
  rewriteDelay = Option.String('--rewrite-delay', {
    description: 'How long project page rewrites are held back to merge repeated requests, in seconds (default: 60; 3 with --dev-mode)',
  });
  pypiXmlrpc = Option.String('--pypi-xmlrpc', { description: `The URL of the PyPI XML-RPC service (default: ${DEFAULTS.pypiXmlrpc})` });
  pypiSimple = Option.String('--pypi-simple', { description: `The URL of the PyPI simple API (default: ${DEFAULTS.pypiSimple})` });
  pypiJson = Option.String('--pypi-json', { description: `The URL of the PyPI JSON API (default: ${DEFAULTS.pypiJson})` });
  statusQueue = Option.String('--status-queue', {
    description: `The address of the queue used to report status to monitors (default: ${DEFAULT_STATUS_QUEUE}); this is usually an ipc address`,
  });
  controlQueue = Option.String('--control-queue', {
    description: `The address of the queue a monitor can use to control the master (default: ${DEFAULT_CONTROL_QUEUE}); this is usually an ipc address`,
  });
  importQueue = Option.String('--import-queue', {
    description: `The address of the queue used by piw-import (default: ${DEFAULTS.queues.import}); this should always be an ipc address`,
  });
  logQueue = Option.String('--log-queue', {
    description: `The address of the queue used by piw-logger (default: ${DEFAULTS.queues.log}); this should always be an ipc address`,
  });
  slaveQueue = Option.String('--slave-queue', {
    description: `The address of the queue used to talk to the build slaves (default: ${DEFAULTS.queues.slave}); this is usually a tcp address`,
  });
  fileQueue = Option.String('--file-queue', {
    description: `The address of the queue used to transfer files from slaves (default: ${DEFAULTS.queues.file}); this is usually a tcp address`,
  });
  webQueue = Option.String('--web-queue', { description: 'The address of the queue used to request web page updates (in-process: inproc:// only)' });
  buildsQueue = Option.String('--builds-queue', { description: 'The address of the queue used to store pending builds (in-process: inproc:// only)' });
  dbQueue = Option.String('--db-queue', { description: 'The address of the queue used to talk to the database server (in-process: inproc:// only)' });
  fsQueue = Option.String('--fs-queue', { description: 'The address of the queue used to talk to the file-system server (in-process: inproc:// only)' });
  statsQueue = Option.String('--stats-queue', {
    description: 'The address of the queue used to send statistics to the collator task (in-process: inproc:// only)',
  });
  oracles = Option.String('--oracles', { description: `How many database requests are answered at once (default: ${DEFAULTS.oracles})` });
  maxFileSize = Option.String('--max-file-size', {
    description: 'The largest wheel accepted from a slave or piw-import, in bytes or with a suffix K, M, G (default: 2G)',
  });
  siteUrl = Option.String('--site-url', { description: 'The public address of the website, for its sitemaps (default: https://www.piwheels.org)' });
  inspect = Option.String('--inspect', {
    tolerateBoolean: true,
    description: `Serve a live view of the actor tree (states on their charts, last events) at ADDR, a loopback address or a port: --inspect [ADDR] (default: off; a bare --inspect: ${DEFAULT_INSPECT_ADDRESS})`,
  });

  settings() {
    const master = (name: string) => `PIW_MASTER_${name}`;
    const queue = (flagName: string, given: string | undefined) => ({
      flag: `--${flagName}`,
      given,
      env: `PIW_${flagName.replace('-queue', '').toUpperCase()}_QUEUE`,
    });
    return {
      options: {
        dsn: { flag: '--dsn', given: this.dsn, env: master('DSN') },
        outputPath: { flag: '--output-path', given: this.outputPath, env: master('OUTPUT_PATH') },
        devMode: { flag: '--dev-mode', given: this.devMode, env: master('DEV_MODE') },
        debug: { flag: '--debug', given: this.debug?.join(' '), env: master('DEBUG') },
        pypiHold: { flag: '--pypi-hold', given: this.pypiHold, env: master('PYPI_HOLD') },
        rewriteDelay: { flag: '--rewrite-delay', given: this.rewriteDelay, env: master('REWRITE_DELAY') },
        pypiXmlrpc: { flag: '--pypi-xmlrpc', given: this.pypiXmlrpc, env: master('PYPI_XMLRPC') },
        pypiSimple: { flag: '--pypi-simple', given: this.pypiSimple, env: master('PYPI_SIMPLE') },
        pypiJson: { flag: '--pypi-json', given: this.pypiJson, env: master('PYPI_JSON') },
        statusQueue: queue('status-queue', this.statusQueue),
        controlQueue: queue('control-queue', this.controlQueue),
        importQueue: queue('import-queue', this.importQueue),
        logQueue: queue('log-queue', this.logQueue),
        slaveQueue: queue('slave-queue', this.slaveQueue),
        fileQueue: queue('file-queue', this.fileQueue),
        webQueue: queue('web-queue', this.webQueue),
        buildsQueue: queue('builds-queue', this.buildsQueue),
        dbQueue: queue('db-queue', this.dbQueue),
        fsQueue: queue('fs-queue', this.fsQueue),
        statsQueue: queue('stats-queue', this.statsQueue),
        oracles: { flag: '--oracles', given: this.oracles, env: master('ORACLES') },
        maxFileSize: { flag: '--max-file-size', given: this.maxFileSize, env: master('MAX_FILE_SIZE') },
        siteUrl: { flag: '--site-url', given: this.siteUrl, env: master('SITE_URL') },
        inspect: { flag: '--inspect', given: this.inspect, env: master('INSPECT') },
      },
      schema,
    };
  }

  /** --debug PATTERN (and --dev-mode) show debug lines: the master's own and those of matching tasks. */
  protected override logging(s: MasterSettings) {
    if (s.debug.length === 0 && !s.devMode) return {};
    const matchers = s.debug.map(fnmatch);
    return {
      console: 'debug' as const,
      level: (name: string) => (name === this.logName || matchers.some((m) => m.test(name)) ? ('debug' as const) : ('info' as const)),
    };
  }

  /** The effective user id (tests stand in for root). */
  protected euid(): number {
    return process.geteuid?.() ?? -1;
  }

  /** The master as configured; resolves with the exit status once it has stopped. */
  async main(s: MasterSettings, log: Logger): Promise<number> {
    log.info(`PiWheels Master version ${VERSION}`);
    refuseRoot('Master', { uid: this.euid(), env: this.environment(), log });
    if (s.dsn !== undefined) {
      try {
        parseDsn(s.dsn);
      } catch (err) {
        throw new ConfigError(`invalid value for option --dsn: ${(err as Error).message}`);
      }
    }
    if (s.devMode) log.warn('Starting in development mode; DO NOT use this in production!');
    const config = masterConfig(s);
    const notifier = serviceNotifier();
    const master = new Master({ config, log, notifier });
    const stopHandling = handleSignals((reason) => {
      notifier.stopping(`stopping: ${reason}`);
      master.quit(reason);
    }, log);
    const stopSurviving = surviveDbClientRejections(log);
    try {
      await master.start();
      const outcome = await master.done;
      return outcome.failed ? 1 : 0;
    } finally {
      stopHandling();
      stopSurviving();
      notifier.close();
    }
  }
}
