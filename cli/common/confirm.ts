/**
 * Yes/no prompts, as piwheels 0.18 asked them: `question [Y/n] `, where an empty answer is yes, `y`/`yes`
 * and `n`/`no` count in any case, anything else is answered "Invalid response" and asked again. End of
 * input (Ctrl+D, or a closed pipe) is no. Works on a terminal and on a pipe.
 */
import { createInterface } from 'node:readline';

export interface PromptStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

export function confirm(question: string, io: PromptStreams = { input: process.stdin, output: process.stdout }): Promise<boolean> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  return new Promise<boolean>((resolve) => {
    let answered = false;
    const finish = (answer: boolean) => {
      if (answered) return;
      answered = true;
      rl.close();
      resolve(answer);
    };
    rl.on('close', () => {
      if (!answered) io.output.write('\n');
      finish(false);
    });
    const ask = () => io.output.write(`${question} [Y/n] `);
    rl.on('line', (line) => {
      const reply = line.trim().toLowerCase();
      if (reply === '' || reply === 'y' || reply === 'yes') return finish(true);
      if (reply === 'n' || reply === 'no') return finish(false);
      io.output.write('Invalid response\n');
      ask();
    });
    io.output.write('\n');
    ask();
  });
}
