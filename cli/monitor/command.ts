/**
 * piw-monitor's command (manual chapter 4): `-c FILE`, `--status-queue ADDR`, `--control-queue ADDR`
 * (environment PIW_STATUS_QUEUE, PIW_CONTROL_QUEUE; keys `status_queue`, `control_queue` in the [monitor]
 * section), `--help`, `--version`, and the common -q/-v/-l. The default addresses are the master's own.
 *
 * While the screen is up nothing may write to it but the monitor: log lines are held and written (to
 * standard error, and to -l FILE) once the terminal is restored. The terminal is restored on q and Ctrl-C,
 * on SIGTERM, SIGINT and SIGHUP, and on an error, before the error is reported.
 */
import { Command } from 'clipanion';
import * as v from 'valibot';
import { createLogger, logAt, type LogEntry, type Logger } from '../../actors/runtime/logger.js';
import { PiwCommand, type Settings } from '../common/command.js';
import { FatalError } from '../common/errors.js';
import { controlQueueOption, followMaster, MASTER_QUEUE_METAVARS, masterQueueEntries, masterQueueSettings, statusQueueOption } from '../common/master-queues.js';
import { runMonitorApp } from './app.js';
import { openTerminal } from './terminal.js';

const schema = v.object(masterQueueEntries);

/** Log lines kept while the screen is up (the newest; a flood of garbage must not fill the memory). */
const HELD_LINES = 200;

export class MonitorCommand extends PiwCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = MASTER_QUEUE_METAVARS;
  static override usage = Command.Usage({
    description: 'Monitor (and control) the piwheels master in a terminal',
    details: `
      Shows the master (paused or not, uptime, queue per ABI, builds per hour, disk) and every build slave,
      sorted by ABI then label and coloured by what it is doing. p pauses the master, r resumes it, k kills
      the selected slave, K all of them, s skips a build, t terminates the master (each asks first where it
      cannot be undone), q quits the monitor; h shows every key. Start it on the master's machine after
      piw-master; it waits for the master if it is not there yet, and follows it across restarts.

      Settings may also come from the environment (PIW_STATUS_QUEUE, PIW_CONTROL_QUEUE) and from the
      [monitor] section of the configuration files.
    `,
    examples: [
      ['Watch the local master', '$0'],
      ['Watch the master of npm start', '$0 --status-queue ipc:///tmp/piw-demo-AbC123/status --control-queue ipc:///tmp/piw-demo-AbC123/control'],
    ],
  });

  readonly section = 'monitor';
  readonly logName = 'monitor';

  statusQueue = statusQueueOption();
  controlQueue = controlQueueOption();

  settings() {
    return {
      options: masterQueueSettings(this),
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    const stdout = this.context.stdout as NodeJS.WriteStream;
    const stdin = this.context.stdin as NodeJS.ReadStream;
    if (!stdout.isTTY || !stdin.isTTY) throw new FatalError('piw-monitor draws on a terminal, and its standard input or output is not one');
    const held: LogEntry[] = [];
    const quiet = createLogger('monitor', {
      sink: (entry) => {
        if (held.push(entry) > HELD_LINES) held.shift();
      },
    });
    const client = await followMaster(settings, quiet);
    const io = openTerminal();
    const app = runMonitorApp({ client, io });
    const onSignal = () => app.stop();
    const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
    for (const s of signals) process.on(s, onSignal);
    // an error anywhere (a handler of the client, the terminal) must not leave the terminal raw
    let failure: unknown;
    const onError = (err: unknown) => {
      failure ??= err;
      app.stop();
    };
    process.on('uncaughtException', onError);
    process.on('unhandledRejection', onError);
    process.on('exit', io.close);
    try {
      await app.done;
    } finally {
      io.close();
      for (const s of signals) process.off(s, onSignal);
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
      process.off('exit', io.close);
      await client.close();
      for (const entry of held) logAt(log, entry.level, entry.message, entry.error);
    }
    if (failure !== undefined) throw failure;
    return 0;
  }
}
