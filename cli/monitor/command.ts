/**
 * piw-monitor's command (manual chapter 4): `-c FILE`, `--status-queue ADDR`, `--control-queue ADDR`
 * (environment PIW_STATUS_QUEUE, PIW_CONTROL_QUEUE; keys `status_queue`, `control_queue` in the [monitor]
 * section), `--help`, `--version`, and the common -q/-v/-l. The default addresses are the master's own.
 *
 * While the screen is up nothing may write to it but the monitor: log lines are held and written (to
 * standard error, and to -l FILE) once the terminal is restored. The terminal is restored on q and Ctrl-C,
 * on SIGTERM, SIGINT and SIGHUP, and on an error, before the error is reported.
 */
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import { DEFAULT_CONTROL_QUEUE, DEFAULT_STATUS_QUEUE } from '../../actors/master/config.js';
import { checkIpcPeer } from '../../actors/ipc/index.js';
import { createMonitorClient } from '../../actors/monitor/index.js';
import { createLogger, type LogEntry, type Logger } from '../../actors/runtime/logger.js';
import { PiwCommand, type Settings } from '../common/command.js';
import { FatalError } from '../common/errors.js';
import { address } from '../import/tool-command.js';
import { runMonitorApp } from './app.js';
import { openTerminal } from './terminal.js';

const schema = v.object({
  statusQueue: address(DEFAULT_STATUS_QUEUE),
  controlQueue: address(DEFAULT_CONTROL_QUEUE),
});

/** Log lines kept while the screen is up (the newest; a flood of garbage must not fill the memory). */
const HELD_LINES = 200;

export class MonitorCommand extends PiwCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = { '--status-queue': 'ADDR', '--control-queue': 'ADDR' };
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

  statusQueue = Option.String('--status-queue', {
    description: `The address of the queue used to report status to monitors (default: ${DEFAULT_STATUS_QUEUE})`,
  });
  controlQueue = Option.String('--control-queue', {
    description: `The address of the queue a monitor can use to control the master (default: ${DEFAULT_CONTROL_QUEUE})`,
  });

  settings() {
    return {
      options: {
        statusQueue: { flag: '--status-queue', given: this.statusQueue, env: 'PIW_STATUS_QUEUE' },
        controlQueue: { flag: '--control-queue', given: this.controlQueue, env: 'PIW_CONTROL_QUEUE' },
      },
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
    // Only the master's user's sockets (actors/ipc): another user's would show a forged farm and take our commands.
    await checkIpcPeer(settings.statusQueue);
    await checkIpcPeer(settings.controlQueue);
    const client = createMonitorClient({ statusQueue: settings.statusQueue, controlQueue: settings.controlQueue, log: quiet });
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
      for (const entry of held) log[entry.level](entry.message, entry.error);
    }
    if (failure !== undefined) throw failure;
    return 0;
  }
}
