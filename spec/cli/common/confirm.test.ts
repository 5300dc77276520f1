/** confirm(): 0.18's yes/no prompt, on a real terminal (node-pty) and on plain streams. */
import { PassThrough } from 'node:stream';
import { confirm } from '../../../cli/common/confirm.js';
import { spawnTty } from './harness.js';

const ASK = 'spec/cli/common/fixtures/ask.ts';

describe('on a terminal', () => {
  test.each([
    ['y', true],
    ['YES', true],
    ['', true],
    ['n', false],
    ['No', false],
  ])('answering %j gives %s', async (reply, expected) => {
    const tty = spawnTty(ASK, ['Do you wish to proceed?']);
    await tty.waitFor(/Do you wish to proceed\? \[Y\/n\] /);
    tty.answer(reply);
    const { code, output } = await tty.exited;
    expect(code).toBe(0);
    expect(output).toContain(`ANSWER=${expected}`);
  });

  test('an invalid answer is refused and the question asked again', async () => {
    const tty = spawnTty(ASK, ['Sure?']);
    await tty.waitFor(/Sure\? \[Y\/n\] /);
    tty.answer('maybe');
    await tty.waitFor(/Invalid response[\s\S]*Sure\? \[Y\/n\] /);
    tty.answer('n');
    const { output } = await tty.exited;
    expect(output).toContain('ANSWER=false');
  });

  test('end of input (Ctrl+D) is no', async () => {
    const tty = spawnTty(ASK, ['Sure?']);
    await tty.waitFor(/\[Y\/n\] /);
    tty.endInput();
    const { output } = await tty.exited;
    expect(output).toContain('ANSWER=false');
  });
});

describe('on plain streams', () => {
  const ask = async (input: string) => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let shown = '';
    stdout.on('data', (d) => (shown += d));
    stdin.end(input);
    return { answer: await confirm('Go?', { input: stdin, output: stdout }), shown };
  };

  test('the first valid line decides', async () => {
    expect(await ask('what\nyes\nno\n')).toEqual({ answer: true, shown: '\nGo? [Y/n] Invalid response\nGo? [Y/n] ' });
  });

  test('no input at all is no', async () => {
    expect((await ask('')).answer).toBe(false);
  });
});
