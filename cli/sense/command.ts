/**
 * piw-sense (manual chapter 5): the master's status on a Raspberry Pi Sense HAT's 8x8 LEDs, steered with
 * its joystick. Asks the master for every slave it knows (HELLO) and follows its status queue; ENTER on a
 * slave shows its label, ABI and task and can kill it; off the top are the statistics, off the bottom
 * quit and terminate (QUIT to the master).
 *
 * Exit status: 0 after quit, terminate, SIGTERM or Ctrl+C (the matrix is left dark); 1 when there is no
 * Sense HAT (the error says what was looked for) or it fails; 2 for a bad option or configuration.
 */
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import { handleSignals } from '../../actors/master/signals.js';
import { serviceNotifier } from '../../actors/systemd/index.js';
import type { Logger } from '../../actors/runtime/logger.js';
import { findSenseHat } from '../../actors/sense/discover.js';
import { openJoystick } from '../../actors/sense/joystick.js';
import { openMatrix } from '../../actors/sense/matrix.js';
import { runSense } from '../../actors/sense/run-sense.js';
import { ROTATIONS, type Rotation } from '../../actors/sense/display/rotation.js';
import { PiwCommand, type Settings } from '../common/command.js';
import { controlQueueOption, followMaster, MASTER_QUEUE_METAVARS, masterQueueEntries, masterQueueSettings, statusQueueOption } from '../common/master-queues.js';

const rotation = () =>
  v.optional(
    v.pipe(
      v.union([v.number(), v.string()]),
      v.transform((x) => Number(typeof x === 'string' && x.trim() === '' ? NaN : x)),
      v.check((n): boolean => (ROTATIONS as readonly number[]).includes(n), 'expected 0, 90, 180 or 270'),
      v.transform((n) => n as Rotation),
    ),
    0,
  );

const schema = v.object({
  ...masterQueueEntries,
  rotate: rotation(),
});

export class SenseCommand extends PiwCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = { ...MASTER_QUEUE_METAVARS, '--rotate': 'DEGREES' };
  static override usage = Command.Usage({
    description: 'Monitor and steer a piwheels master on a Raspberry Pi Sense HAT',
    details: `
      Start it on the master's machine after piw-master. The top three rows of LEDs show the time since the
      master was last heard, its free disk space and the builds waiting (one pixel per 8); below them is one
      pixel per build slave, by ABI then label: grey idle, green building, yellow building for more than 15
      minutes, blue sending, purple cleaning up, red timed out or terminated.

      The pulsing pixel is the cursor; move it with the joystick. Press in on a slave for its label, ABI and
      task (left and right to page; press in to go back, or on "Kill?" to kill it). Off the top: ping, disk,
      queue, build rate, build time and build size. Off the bottom: "Quit?" and "Terminate?" (which also
      stops the master); press in to do it. SIGTERM or Ctrl+C stops it; the LEDs go dark.

      Settings may also come from the environment (PIW_STATUS_QUEUE, PIW_CONTROL_QUEUE, PIW_SENSE_ROTATE)
      and from the [sense] section of the configuration files. The HAT is found through sysfs;
      PIW_SENSE_ROOT names a directory to look in instead of / (for emulators and tests).
    `,
    examples: [['Follow the local master, HAT mounted upside down', '$0 -r 180']],
  });

  readonly section = 'sense';
  readonly logName = 'sense';

  statusQueue = statusQueueOption();
  controlQueue = controlQueueOption();
  rotate = Option.String('-r,--rotate', { description: 'The rotation of the HAT in degrees; must be 0 (the default), 90, 180, or 270' });

  settings() {
    return {
      options: {
        ...masterQueueSettings(this),
        rotate: { flag: '--rotate', given: this.rotate, env: 'PIW_SENSE_ROTATE' },
      },
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    const devices = await findSenseHat(this.environment().PIW_SENSE_ROOT || '/');
    const joystick = await openJoystick(devices.joystick, settings.rotate);
    const matrix = await openMatrix(devices.framebuffer, settings.rotate).catch(async (err: unknown) => {
      await joystick.close();
      throw err;
    });
    log.info(`Sense HAT: matrix ${devices.framebuffer}, joystick ${devices.joystick}; following ${settings.statusQueue}`);
    // systemd is told what piw-sense does (actors/systemd).
    const notifier = serviceNotifier();
    const client = await followMaster(settings, log).catch(async (err: unknown) => {
      notifier.close();
      await Promise.allSettled([matrix.close(), joystick.close()]);
      throw err;
    });
    const stop = new AbortController();
    const unhandle = handleSignals((reason) => {
      notifier.stopping(`stopping: ${reason}`);
      stop.abort();
    }, log);
    notifier.ready(`following the master at ${settings.statusQueue}`);
    try {
      const outcome = await runSense({ client, matrix, stick: (signal) => joystick.messages(signal), log, signal: stop.signal });
      if (outcome !== 'stopped') log.warn(outcome === 'terminated' ? 'told the master to terminate; stopped' : 'stopped');
      return 0;
    } finally {
      unhandle();
      notifier.close();
      await client.close();
      await Promise.allSettled([matrix.close(), joystick.close()]);
    }
  }
}
