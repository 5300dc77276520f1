/**
 * The Secretary task (behaviours 18, 131–136) on a bus with a recording Scribe on the scribe queue and its
 * buffer saved in and loaded from the test PostgreSQL through Seraph and the Oracles. The buffer's clock is
 * the test's, so "not yet due" never depends on how fast the machine is.
 */
import { queues } from '../../../actors/runtime/queues.js';
import { secretaryTask } from '../../../actors/secretary/index.js';
import type { Bus } from '../../../actors/runtime/bus.js';
import { TimeDelta } from '../../../protocols/index.js';
import type { MasterStatsWire, Message } from '../../../protocols/index.js';
import type { theScribeProtocol } from '../../../protocols/scribe.js';
import { databaseOnBus, eventually, quitAll, supervise, type DatabaseOnBus } from '../master/support/world.js';

type ScribeRequest = Message<(typeof theScribeProtocol)['recv']>;

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
const DELAY = 60_000;

const stats: MasterStatsWire = [new Date(T0), 1, {}, new TimeDelta(), 0, {}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 40.0];

/** The Scribe's end of the scribe queue: records each request; with `hold` set, answers only on release(). */
class RecordingScribe {
  readonly seen: string[] = [];
  hold = false;
  #held: (() => void)[] = [];
  #unserve: (() => void) | undefined;

  serve(bus: Bus): this {
    this.#unserve = bus.serve(queues.scribe, async (msg: ScribeRequest) => {
      this.seen.push(msg.verb === 'DELVER' ? `DELVER ${msg.data.join(' ')}` : typeof msg.data === 'string' ? `${msg.verb} ${msg.data}` : msg.verb);
      if (this.hold) await new Promise<void>((resolve) => this.#held.push(resolve));
      return { verb: 'DONE' };
    });
    return this;
  }

  get holding(): number {
    return this.#held.length;
  }

  release(): void {
    for (const resolve of this.#held.splice(0)) resolve();
  }

  unserve(): void {
    this.#unserve?.();
  }
}

let world: DatabaseOnBus;
beforeAll(async () => {
  world = await databaseOnBus('postgres');
});
afterAll(async () => {
  await world.close();
});
beforeEach(async () => {
  await world.backend.reset();
});

/** A Secretary whose clock the test moves; `ticks(n)` waits for n more looks at the clock. */
function startSecretary(opts: { delayMs?: number } = {}) {
  let clock = T0;
  let looks = 0;
  const now = () => {
    looks++;
    return clock;
  };
  const run = supervise([{ id: 'the_secretary', logic: secretaryTask, input: { bus: world.bus, tickMs: 2, now, ...opts } }]);
  return {
    ...run,
    advance: (ms: number) => void (clock += ms),
    async ticks(n: number) {
      const target = looks + n;
      await eventually(() => looks >= target);
    },
  };
}

const web = (msg: ScribeRequest) => world.bus.request(queues.web, msg);

describe('the Secretary task', () => {
  let scribe: RecordingScribe;
  beforeEach(() => {
    scribe = new RecordingScribe().serve(world.bus);
  });
  afterEach(async () => {
    await quitAll();
    scribe.unserve();
  });

  test('behaviour 131: HOME and SEARCH go straight to the Scribe; the caller hears DONE only after the Scribe', async () => {
    const s = startSecretary();
    await s.running();
    scribe.hold = true;
    let answered = false;
    const home = web({ verb: 'HOME', data: stats }).then((reply) => ((answered = true), reply));
    await eventually(() => scribe.holding === 1);
    expect(scribe.seen).toEqual(['HOME']);
    expect(answered).toBe(false);
    scribe.release();
    await expect(home).resolves.toEqual({ verb: 'DONE' });
    scribe.hold = false;
    await expect(web({ verb: 'SEARCH', data: { foo: [1, 2] } })).resolves.toEqual({ verb: 'DONE' });
    expect(scribe.seen).toEqual(['HOME', 'SEARCH']);
    await s.quit();
  });

  test('behaviour 132: PROJECT is answered at once and reaches the Scribe only once older than the delay', async () => {
    const s = startSecretary();
    await s.running();
    await expect(web({ verb: 'PROJECT', data: 'foo' })).resolves.toEqual({ verb: 'DONE' });
    s.advance(DELAY);
    await s.ticks(3);
    expect(scribe.seen).toEqual([]);
    s.advance(1);
    await eventually(() => scribe.seen.length === 1);
    expect(scribe.seen).toEqual(['PROJECT foo']);
    await s.quit();
  });

  test('behaviours 133, 134: repeats collapse, BOTH upgrades PROJECT in place, entries flush oldest first', async () => {
    const s = startSecretary();
    await s.running();
    await web({ verb: 'PROJECT', data: 'foo' });
    s.advance(1_000);
    await web({ verb: 'PROJECT', data: 'bar' });
    await web({ verb: 'PROJECT', data: 'foo' });
    await web({ verb: 'BOTH', data: 'foo' });
    await web({ verb: 'PROJECT', data: 'foo' });
    await web({ verb: 'PROJECT', data: 'bar' });
    s.advance(DELAY);
    await eventually(() => scribe.seen.length === 1);
    await s.ticks(3);
    expect(scribe.seen).toEqual(['BOTH foo']); // bar is 1 s younger: not yet due
    s.advance(1_000);
    await eventually(() => scribe.seen.length === 2);
    expect(scribe.seen).toEqual(['BOTH foo', 'PROJECT bar']);
    await s.quit();
  });

  test('behaviour 135: DELPKG and DELVER pass through at once and purge the package from the buffer', async () => {
    const s = startSecretary();
    await s.running();
    await web({ verb: 'BOTH', data: 'foo' });
    await web({ verb: 'PROJECT', data: 'bar' });
    await expect(web({ verb: 'DELPKG', data: 'foo' })).resolves.toEqual({ verb: 'DONE' });
    await expect(web({ verb: 'DELVER', data: ['bar', '1.0'] })).resolves.toEqual({ verb: 'DONE' });
    expect(scribe.seen).toEqual(['DELPKG foo', 'DELVER bar 1.0']);
    s.advance(DELAY + 1);
    await s.ticks(3);
    expect(scribe.seen).toEqual(['DELPKG foo', 'DELVER bar 1.0']);
    await s.quit();
  });

  test('behaviour 136: the buffer is saved with SAVERWP at QUIT and reloaded with its timestamps at the next start', async () => {
    const first = startSecretary();
    await first.running();
    await web({ verb: 'PROJECT', data: 'foo' });
    first.advance(5_000);
    await web({ verb: 'BOTH', data: 'bar' });
    await expect(first.quit()).resolves.toMatchObject({ failed: false });
    expect(first.lines('master.the_secretary')).toContain('saved 2 pending page rewrites');
    expect(await world.backend.db.loadRewritesPending()).toEqual([
      ['foo', new Date(T0), 'PROJECT'],
      ['bar', new Date(T0 + 5_000), 'BOTH'],
    ]);
    expect(scribe.seen).toEqual([]);

    const second = startSecretary();
    await second.running();
    expect(second.lines('master.the_secretary')).toContain('loaded 2 pending page rewrites');
    second.advance(DELAY + 1); // foo is due, bar (5 s younger) is not
    await eventually(() => scribe.seen.length === 1);
    await second.ticks(3);
    expect(scribe.seen).toEqual(['PROJECT foo']);
    await second.quit();
    expect(await world.backend.db.loadRewritesPending()).toEqual([['bar', new Date(T0 + 5_000), 'BOTH']]);
  });

  test('behaviour 136: with nothing pending, QUIT saves an empty list (clearing rows saved before)', async () => {
    await world.backend.db.saveRewritesPending([['old', new Date(T0 - DELAY * 10), 'PROJECT']]);
    const s = startSecretary();
    await s.running();
    await eventually(() => scribe.seen.length === 1);
    expect(scribe.seen).toEqual(['PROJECT old']);
    await s.quit();
    expect(await world.backend.db.loadRewritesPending()).toEqual([]);
  });

  test('behaviour 18: while paused requests are still answered and buffered, but nothing is flushed until RESUME', async () => {
    const s = startSecretary();
    await s.running();
    s.pause();
    await eventually(() => s.lines('master.the_secretary').includes('paused'));
    await expect(web({ verb: 'PROJECT', data: 'foo' })).resolves.toEqual({ verb: 'DONE' });
    s.advance(DELAY + 1);
    await s.ticks(3);
    expect(scribe.seen).toEqual([]);
    s.resume();
    await eventually(() => scribe.seen.length === 1);
    expect(scribe.seen).toEqual(['PROJECT foo']);
    await s.quit();
  });

  test('a rewrite the Scribe cannot take is logged and tried again after the delay; a forward fails its caller', async () => {
    const s = startSecretary();
    await s.running();
    scribe.unserve();
    await web({ verb: 'PROJECT', data: 'foo' });
    s.advance(DELAY + 1);
    await eventually(() => s.lines('master.the_secretary', 'error').length === 1);
    expect(s.lines('master.the_secretary', 'error')[0]).toMatch(/^unable to pass PROJECT foo to the Scribe \(no server on queue scribe\); it will be tried again$/);
    await expect(web({ verb: 'HOME', data: stats })).rejects.toThrow(/no server on queue scribe/);
    scribe = new RecordingScribe().serve(world.bus);
    await s.ticks(3);
    expect(scribe.seen).toEqual([]); // buffered again: due only after another delay
    s.advance(DELAY + 1);
    await eventually(() => scribe.seen.length === 1);
    expect(scribe.seen).toEqual(['PROJECT foo']);
    await s.quit();
  });
});
