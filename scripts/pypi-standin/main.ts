/**
 * Runs the PyPI stand-in as a process:
 *   npx tsx scripts/pypi-standin/main.ts [--host 127.0.0.1] [--port N] [--dir D] [--no-fixtures] [--first-serial N]
 * prints its URLs (one `name: URL` per line) and serves until SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startPypiStandin } from './server.js';

const USAGE = 'usage: main.ts [--host ADDR] [--port N] [--dir DIR] [--no-fixtures] [--first-serial N]';

function integer(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(text)}`);
  return n;
}

async function main(): Promise<number> {
  let options;
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string' },
        dir: { type: 'string' },
        'no-fixtures': { type: 'boolean', default: false },
        'first-serial': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    options = {
      host: values.host,
      port: integer('port', values.port, 0, 65535) ?? 0,
      dir: values.dir,
      fixtures: !values['no-fixtures'],
      firstSerial: integer('first-serial', values['first-serial'], 1, Number.MAX_SAFE_INTEGER),
    };
  } catch (err) {
    console.error(`pypi-standin: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const standin = await startPypiStandin(options);
  console.log(`url: ${standin.url}`);
  console.log(`simple: ${standin.simpleUrl}`);
  console.log(`json: ${standin.jsonUrl}`);
  console.log(`xmlrpc: ${standin.xmlrpcUrl}`);
  console.log(`dir: ${standin.dir}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await standin.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`pypi-standin: ${err.message}`);
    process.exit(1);
  },
);
