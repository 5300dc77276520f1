/**
 * `npm start`: the main job on one machine — the PyPI stand-in with the demo packages, piw-master on the
 * embedded database, a static server for its output on 127.0.0.1 and one local piw-slave (start/demo.ts).
 * Prints `Index: http://127.0.0.1:PORT/simple/` once everything is up; Ctrl-C or SIGTERM stops it all.
 *
 *   npm start [-- --dir DIR] [--port N] [--python PYTHON]
 *
 * Everything is kept in DIR (default: .piwheels-demo/ in the repository), so a second start carries on
 * with the same database and index.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DemoAbortedError, startDemo, type Demo } from './start/demo.js';
import { ROOT } from './start/processes.js';

const USAGE = 'usage: npm start [-- --dir DIR] [--port N] [--python PYTHON]';

function options() {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: path.join(ROOT, '.piwheels-demo') },
      port: { type: 'string', default: '0' },
      python: { type: 'string', default: 'python3' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`--port must be a port number (0 for any free port), not ${JSON.stringify(values.port)}`);
  return { dir: path.resolve(values.dir), port, python: values.python, help: values.help };
}

async function main(): Promise<number> {
  let opts;
  try {
    opts = options();
  } catch (err) {
    console.error(`npm start: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const print = (line: string) => console.log(line);
  const started = Date.now();
  print(`piwheels demo: data in ${opts.dir} (Ctrl-C stops it)`);

  // The first SIGINT/SIGTERM stops everything cleanly; the ones after it (npm forwards Ctrl-C too) wait.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) return;
    print(`Stopping (${signal}): the slave, then the master...`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let demo: Demo;
  try {
    demo = await startDemo({ dir: opts.dir, port: opts.port, python: opts.python, print }, stop.signal);
  } catch (err) {
    if (err instanceof DemoAbortedError) {
      print('Stopped.');
      return 0;
    }
    console.error(`npm start: ${(err as Error).message}`);
    return 1;
  }
  print(`Up in ${((Date.now() - started) / 1000).toFixed(1)} s; wheels are announced as the index lists them.`);

  const stopped = new Promise<void>((done) => stop.signal.addEventListener('abort', () => done(), { once: true }));
  const outcome = await Promise.race([stopped.then(() => undefined), demo.failed]);
  if (outcome !== undefined) console.error(`npm start: ${outcome}`);
  await demo.stop();
  print('Stopped.');
  return outcome === undefined ? 0 : 1;
}

// Exit once everything has stopped, whatever handle a library may still hold.
process.exit(await main());
