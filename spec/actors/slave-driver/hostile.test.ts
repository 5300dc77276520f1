/**
 * Behaviours.md C: the master survives any slave behaviour. Peers that ignore the REQ lock-step send every
 * verb in random order, with and without data, valid and not, plus raw garbage; afterwards an honest slave
 * is served as usual and no session has failed.
 */
import { encodeCbor, TimeDelta } from '../../../protocols/index.js';
// deterministic, so a failure can be replayed
import { prng } from '../../../scripts/faults/frames.js';
import { builtOk } from '../../machines/support/slave-fixtures.js';
import { builtFailed, helloData, startDriver, statsData, type Harness } from './support/harness.js';

let h: Harness;
afterEach(async () => h.close());

const frames: (() => Buffer)[] = [
  () => encodeCbor(['HELLO', helloData({ busyTimeoutMs: 60_000 })]),
  () => encodeCbor(['HELLO', helloData({ abi: 'cp39' })]),
  () => encodeCbor(['IDLE', statsData(new Date())]),
  () => encodeCbor(['BUSY', statsData(new Date())]),
  () => encodeCbor(['BUILT', builtFailed()]),
  () => encodeCbor(['BUILT', builtOk()]),
  () => encodeCbor('SENT'),
  () => encodeCbor('BYE'),
  () => encodeCbor('IDLE'),
  () => encodeCbor(['SENT', null]),
  () => encodeCbor(['BUILT', [true, TimeDelta.fromSeconds(1), 'x', [['../../etc/passwd', 1, 'a', 'b', 'c', 'd', 'e', 'f', {}]]]]),
  () => encodeCbor(['HELLO', [1, 2, 3]]),
  () => encodeCbor(['DIE']),
  () => encodeCbor({ verb: 'IDLE' }),
  () => encodeCbor(12345),
  () => Buffer.from([0xff]),
  () => Buffer.alloc(0),
  () => Buffer.from([0x9f, 0x9f, 0x9f]),
];

describe('hostile slaves', () => {
  test('spec/behaviours.md C: random verbs, orders and garbage from many peers never stop the Slave Driver', async () => {
    h = await startDriver({ abis: ['cp311', 'cp39'] });
    await h.queue({ cp311: Array.from({ length: 50 }, (_, i) => [`p${i}`, '1.0'] as [string, string]), cp39: [['q', '1.0']] });
    const random = prng(20240101);
    const peers = Array.from({ length: 8 }, () => h.raw());
    for (let round = 0; round < 60; round++) {
      for (const peer of peers) await peer.send(frames[Math.floor(random() * frames.length)]!());
    }
    h.fs.verifies.push(false, true, false);
    // An honest slave, after all that, is served as usual.
    const honest = h.slave();
    await expect(honest.hello()).resolves.toMatchObject({ verb: 'ACK' });
    await expect(honest.idle()).resolves.toMatchObject({ verb: 'BUILD' });
    await expect(honest.built(builtFailed())).resolves.toEqual({ verb: 'DONE' });
    expect(h.errors().filter((e) => e.includes('session failed'))).toEqual([]);
    expect(h.log.entries.filter((e) => e.level === 'error').length).toBeGreaterThan(0);
  });
});
