/**
 * A command choosing its loggers' levels once its settings are known (piw-master's --debug PATTERN): debug
 * lines from the loggers it names reach the console and the -l file; other loggers stay at information.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import type { Logger } from '../../../actors/runtime/logger.js';
import { PiwCommand, type Settings } from '../../../cli/common/command.js';
import { optionalText } from '../../../cli/common/config.js';
import { run } from './harness.js';

const schema = v.object({ debug: optionalText() });

class ChattyCommand extends PiwCommand<typeof schema> {
  static override paths = [Command.Default];
  readonly section = 'chatty';
  readonly logName = 'chatty';
  debug = Option.String('--debug', { description: 'Logger to debug' });

  settings() {
    return { options: { debug: { flag: '--debug', given: this.debug } }, schema };
  }

  protected override environment(): NodeJS.ProcessEnv {
    return {};
  }

  protected override logging(s: Settings<typeof schema>) {
    return s.debug === undefined ? {} : { level: (name: string) => (name === s.debug ? 'debug' : 'info') as 'debug' | 'info', console: 'debug' as const };
  }

  async main(_s: Settings<typeof schema>, log: Logger): Promise<number> {
    for (const l of [log, log.child('a'), log.child('b')]) {
      l.debug(`${l.name} debug`);
      l.info(`${l.name} info`);
    }
    return 0;
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'piw-logging-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const messages = (text: string) => text.split('\n').filter(Boolean).map((l) => l.replace(/^\S+ /, ''));

test('without a debug choice the console shows warnings only and nothing makes debug lines', async () => {
  const file = path.join(dir, 'log');
  const r = await run(ChattyCommand, ['-l', file]);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(messages(await readFile(file, 'utf8'))).toEqual(['INFO chatty: chatty info', 'INFO chatty.a: chatty.a info', 'INFO chatty.b: chatty.b info']);
});

test('debug lines come from the chosen logger only, on the console and in the -l file', async () => {
  const file = path.join(dir, 'log');
  const r = await run(ChattyCommand, ['--debug', 'chatty.a', '-l', file]);
  const expected = ['INFO chatty: chatty info', 'DEBUG chatty.a: chatty.a debug', 'INFO chatty.a: chatty.a info', 'INFO chatty.b: chatty.b info'];
  expect(messages(r.stderr)).toEqual(expected);
  expect(messages(await readFile(file, 'utf8'))).toEqual(expected);
});
