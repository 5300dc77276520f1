/**
 * The Architect feeding the Slave Driver over the bus (A.1, A.2, behaviours 45–46, 128–129): the query's
 * result reaches slaves of the right ABI, a finished build drops out at the next refresh, and an in-flight
 * build is not handed out twice while the query still lists it.
 */
import { createActor, toPromise } from 'xstate';
import { architectTask } from '../../../actors/architect/index.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { eventually } from '../zmq/support.js';
import { builtFailed, startDriver, type Harness } from '../slave-driver/support/harness.js';
import { Catalogue } from './support/catalogue.js';

let h: Harness;
let db: Catalogue;
afterEach(async () => {
  await h.close();
  await db.close();
});

test('A.1, A.2: the Architect\'s queue reaches slaves of the right ABI; a failure moves the version on to the next ABI', async () => {
  h = await startDriver({ abis: ['cp34m', 'cp35m'] });
  db = await Catalogue.open();
  await db.addAbi('cp34m');
  await db.addAbi('cp35m');
  await db.addVersion('foo', '0.1', new Date(Date.UTC(2024, 0, 1)));
  await db.addVersion('bar', '1.0', new Date(Date.UTC(2024, 0, 2)));
  // Builds the Oracle logs are what the query sees.
  const logged = new Set<unknown>();
  const logBuilds = async () => {
    for (const [, b] of h.oracle.builds) {
      if (logged.has(b)) continue;
      logged.add(b);
      await db.backend.db.logBuild(b);
    }
  };
  let queries = 0;
  const architect = createActor(architectTask, {
    input: {
      bus: h.bus,
      intervalMs: 10,
      log: memoryLogger('master.the_architect'),
      buildQueue: async (limit, signal) => (queries++, await logBuilds(), db.buildQueue(limit, signal)),
    },
  });
  architect.start();
  try {
    await eventually(() => h.driver.buildQueues.lengths()['cp34m'] === 2);
    const [py34, py35] = [h.slave(), h.slave()];
    await expect(py35.connect({ abi: 'cp35m' })).resolves.toEqual({ verb: 'SLEEP', data: false });
    await expect(py34.connect({ abi: 'cp34m' })).resolves.toEqual({ verb: 'BUILD', data: ['foo', '0.1'] });
    // While foo is being built the query still lists it: never handed out twice.
    const seen = queries;
    await eventually(() => queries > seen + 1);
    await expect(h.slave().connect({ abi: 'cp34m' })).resolves.toEqual({ verb: 'BUILD', data: ['bar', '1.0'] });
    await expect(py34.built(builtFailed())).resolves.toEqual({ verb: 'DONE' });
    // foo failed on cp34m: the next query queues it for cp35m.
    await eventually(() => h.driver.buildQueues.lengths()['cp35m'] === 1);
    await expect(py35.idle()).resolves.toEqual({ verb: 'BUILD', data: ['foo', '0.1'] });
  } finally {
    architect.send({ type: 'QUIT' });
    await toPromise(architect);
  }
});
