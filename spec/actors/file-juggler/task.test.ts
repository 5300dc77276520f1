/**
 * The File Juggler as a task under the root supervisor (behaviour 19): a `nonstop` task logs and ignores
 * PAUSE, so a transfer goes on while the master is paused; QUIT closes the file queue and removes the
 * temp files of transfers in flight.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActor, toPromise, waitFor } from 'xstate';
import { fileJugglerTask } from '../../../actors/file-juggler/index.js';
import { createBus } from '../../../actors/runtime/bus.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { queues } from '../../../actors/runtime/queues.js';
import { supervisorMachine } from '../../../actors/runtime/supervisor.js';
import { eventually } from '../zmq/support.js';
import { RawClient, wheel } from './support.js';

test('behaviour 19: the file_juggler task ignores PAUSE, keeps transferring, and on QUIT leaves no temp file behind', async () => {
  const root = await mkdtemp(join(tmpdir(), 'piw-juggler-task-'));
  const output = join(root, 'www');
  const bus = createBus();
  const log = memoryLogger('master');
  let endpoint = '';
  const supervisor = createActor(supervisorMachine, {
    input: {
      log,
      tasks: [
        {
          id: 'file_juggler',
          logic: fileJugglerTask,
          input: { bus, output, address: 'tcp://127.0.0.1:*', log: log.child('file_juggler'), onListening: (e: string) => (endpoint = e) },
        },
      ],
    },
  });
  let client: RawClient | undefined;
  try {
    supervisor.start();
    await waitFor(supervisor, (s) => s.matches('running'));
    expect(log.entries.map((e) => e.message)).toContain(`listening for file transfers on ${endpoint}`);
    const stats: unknown[] = [];
    bus.listen(queues.stats, (msg) => stats.push(msg));
    await eventually(() => stats.length === 1);

    supervisor.send({ type: 'PAUSE' });
    await eventually(() => log.entries.some((e) => e.message === 'ignoring PAUSE (this task never pauses)'));
    const done = wheel(100_000);
    await expect(bus.request(queues.fs, { verb: 'EXPECT', data: [1, done.file] })).resolves.toEqual({ verb: 'OK', data: null });
    client = new RawClient(endpoint);
    await client.transfer(1, done.data);
    await expect(bus.request(queues.fs, { verb: 'VERIFY', data: [1, 'foo'] })).resolves.toEqual({ verb: 'OK', data: null });

    // one transfer still in flight when the master quits
    await bus.request(queues.fs, { verb: 'EXPECT', data: [2, wheel(1 << 20, 'bar-1.0-py3-none-any.whl').file] });
    expect((await readdir(join(output, 'simple'))).filter((n) => n.startsWith('.piw-transfer-'))).toHaveLength(1);
    supervisor.send({ type: 'QUIT' });
    await toPromise(supervisor);
    expect((await readdir(join(output, 'simple'))).sort()).toEqual(['foo']);
    expect(await readdir(join(output, 'simple', 'foo'))).toEqual([done.filename]);
    expect(bus.isServed(queues.fs)).toBe(false);
  } finally {
    await client?.close();
    supervisor.stop();
    bus.close();
    await rm(root, { recursive: true, force: true });
  }
});
