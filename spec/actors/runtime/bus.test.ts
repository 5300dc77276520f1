import { createBus } from '../../../actors/runtime/bus.js';
import { defineQueue, queues } from '../../../actors/runtime/queues.js';
import { ProtocolError } from '../../../protocols/errors.js';
import { taskControlProtocol } from '../../../protocols/master-control.js';

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('bus request/serve (in-process REQ ⇄ REP/ROUTER)', () => {
  test('a request reaches the server and its reply comes back, both handed over without a copy', async () => {
    const bus = createBus();
    const request = { verb: 'DELVER' as const, data: ['numpy', '1.14.0'] as [string, string] };
    let seen: unknown;
    bus.serve(queues.skip, (msg) => {
      seen = msg;
      return { verb: 'OK' };
    });
    const reply = { verb: 'OK' as const, data: new Set(['numpy', 'scipy']) };
    bus.serve(queues.db, () => reply);
    await expect(bus.request(queues.skip, request)).resolves.toEqual({ verb: 'OK' });
    expect(seen).toBe(request);
    await expect(bus.request(queues.db, { verb: 'ALLPKGS' })).resolves.toBe(reply);
  });

  test('a float field is validated but the receiver gets the plain number it was given', async () => {
    const bus = createBus();
    const received: unknown[] = [];
    bus.listen(queues.stats, (msg) => received.push(msg));
    const msg = { verb: 'STATFS' as const, data: [1000, 500] as [number, number] };
    expect(bus.push(queues.stats, msg)).toBe(true);
    await nextTick();
    expect(received).toEqual([msg]);
    expect(received[0]).toBe(msg);
  });

  test('a second server on the same queue is a typed error; after stopping, another may serve', () => {
    const bus = createBus();
    const stop = bus.serve(queues.fs, () => ({ verb: 'OK', data: null }));
    expect(() => bus.serve(queues.fs, () => ({ verb: 'OK', data: null }))).toThrow(
      expect.objectContaining({ code: 'PIW_ERR_BUS_ALREADY_SERVED' }),
    );
    stop();
    expect(bus.isServed(queues.fs)).toBe(false);
    expect(() => bus.serve(queues.fs, () => ({ verb: 'OK', data: null }))).not.toThrow();
  });

  test('behaviour 9: an invalid request raises before the server sees anything', async () => {
    const bus = createBus();
    let calls = 0;
    bus.serve(queues.db, () => {
      calls++;
      return { verb: 'OK', data: null };
    });
    await expect(bus.request(queues.db, { verb: 'PKGEXISTS', data: 42 as unknown as string })).rejects.toMatchObject({
      code: 'PIW_ERR_INVALID_DATA',
      message: expect.stringMatching(/^invalid data for PKGEXISTS/),
    });
    await nextTick();
    expect(calls).toBe(0);
  });

  test('behaviour 4: an unknown verb raises "unknown message: X"; missing or unexpected data are refused', async () => {
    const bus = createBus();
    bus.serve(queues.db, () => ({ verb: 'OK', data: null }));
    const unknown = bus.request(queues.db, { verb: 'FROB' } as never);
    await expect(unknown).rejects.toBeInstanceOf(ProtocolError);
    await expect(unknown).rejects.toThrow('unknown message: FROB');
    await expect(bus.request(queues.db, { verb: 'PKGEXISTS' } as never)).rejects.toThrow('data must be specified for PKGEXISTS');
    await expect(bus.request(queues.db, { verb: 'ALLPKGS', data: 1 } as never)).rejects.toThrow('no data expected for ALLPKGS');
  });

  test('a request with no server fails at once with PIW_ERR_BUS_NO_SERVER', async () => {
    const bus = createBus();
    await expect(bus.request(queues.web, { verb: 'PROJECT', data: 'numpy' })).rejects.toMatchObject({
      code: 'PIW_ERR_BUS_NO_SERVER',
      queue: 'web',
    });
  });

  test("a server's exception, thrown or rejected, reaches the requester as PIW_ERR_BUS_HANDLER with the cause", async () => {
    const bus = createBus();
    const boom = new Error('relation "packages" does not exist');
    bus.serve(queues.db, (msg) => {
      if (msg.verb === 'ALLPKGS') throw boom;
      return Promise.reject(boom);
    });
    for (const msg of [{ verb: 'ALLPKGS' } as const, { verb: 'GETPYPI' } as const]) {
      const err = await bus.request(queues.db, msg).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'PIW_ERR_BUS_HANDLER', cause: boom });
      expect((err as Error).message).toContain('relation "packages" does not exist');
    }
  });

  test('a reply that breaks the protocol is refused with PIW_ERR_BUS_BAD_REPLY', async () => {
    const bus = createBus();
    bus.serve(queues.web, () => ({ verb: 'DONE', data: 'surprise' }) as never);
    await expect(bus.request(queues.web, { verb: 'DELPKG', data: 'numpy' })).rejects.toMatchObject({
      code: 'PIW_ERR_BUS_BAD_REPLY',
      cause: expect.objectContaining({ code: 'PIW_ERR_UNEXPECTED_DATA' }),
    });
  });

  test('the handler never runs inside the requester\'s call stack', async () => {
    const bus = createBus();
    let inCaller = true;
    let ranInCaller: boolean | undefined;
    bus.serve(queues.skip, () => {
      ranInCaller = inCaller;
      return { verb: 'OK' };
    });
    const pending = bus.request(queues.skip, { verb: 'DELPKG', data: 'x' });
    inCaller = false;
    await pending;
    expect(ranInCaller).toBe(false);
  });

  test('timeoutMs ends the wait with PIW_ERR_BUS_TIMEOUT; a late reply is discarded', async () => {
    const bus = createBus();
    const late = deferred<{ verb: 'DONE' }>();
    bus.serve(queues.scribe, () => late.promise);
    await expect(bus.request(queues.scribe, { verb: 'PROJECT', data: 'numpy' }, { timeoutMs: 5 })).rejects.toMatchObject({
      code: 'PIW_ERR_BUS_TIMEOUT',
    });
    late.resolve({ verb: 'DONE' });
    await nextTick();
  });

  test('an abort signal ends the wait with PIW_ERR_BUS_ABORTED, also when already aborted', async () => {
    const bus = createBus();
    bus.serve(queues.scribe, () => new Promise<never>(() => {}));
    const ctl = new AbortController();
    const pending = bus.request(queues.scribe, { verb: 'PROJECT', data: 'numpy' }, { signal: ctl.signal });
    ctl.abort(new Error('task stopping'));
    await expect(pending).rejects.toMatchObject({ code: 'PIW_ERR_BUS_ABORTED', cause: new Error('task stopping') });
    await expect(bus.request(queues.scribe, { verb: 'PROJECT', data: 'x' }, { signal: ctl.signal })).rejects.toMatchObject({
      code: 'PIW_ERR_BUS_ABORTED',
    });
  });

  test('by default requests are handed over as they arrive (ROUTER-like)', async () => {
    const bus = createBus();
    const gates = [deferred<void>(), deferred<void>()];
    let started = 0;
    bus.serve(queues.scribe, async () => {
      await gates[started++]!.promise;
      return { verb: 'DONE' };
    });
    const a = bus.request(queues.scribe, { verb: 'PROJECT', data: 'a' });
    const b = bus.request(queues.scribe, { verb: 'PROJECT', data: 'b' });
    await nextTick();
    expect(started).toBe(2);
    gates[1]!.resolve();
    gates[0]!.resolve();
    await Promise.all([a, b]);
  });

  test('concurrency 1 works like REP: one request at a time, in arrival order', async () => {
    const bus = createBus();
    const order: string[] = [];
    const gate = deferred<void>();
    bus.serve(
      queues.scribe,
      async (msg) => {
        order.push(`start ${msg.data as string}`);
        if (msg.data === 'a') await gate.promise;
        order.push(`end ${msg.data as string}`);
        return { verb: 'DONE' };
      },
      { concurrency: 1 },
    );
    const all = ['a', 'b', 'c'].map((pkg) => bus.request(queues.scribe, { verb: 'PROJECT', data: pkg }));
    await nextTick();
    expect(order).toEqual(['start a']);
    gate.resolve();
    await Promise.all(all);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  test('a request that timed out while waiting its turn is never handed to the server', async () => {
    const bus = createBus();
    const gate = deferred<void>();
    const seen: string[] = [];
    bus.serve(
      queues.scribe,
      async (msg) => {
        seen.push(msg.data as string);
        await gate.promise;
        return { verb: 'DONE' };
      },
      { concurrency: 1 },
    );
    const first = bus.request(queues.scribe, { verb: 'PROJECT', data: 'first' });
    await expect(bus.request(queues.scribe, { verb: 'PROJECT', data: 'second' }, { timeoutMs: 1 })).rejects.toMatchObject({
      code: 'PIW_ERR_BUS_TIMEOUT',
    });
    gate.resolve();
    await first;
    await nextTick();
    expect(seen).toEqual(['first']);
  });

  test('stopping a server: the request in hand still gets its reply, waiting ones fail with PIW_ERR_BUS_SERVER_GONE', async () => {
    const bus = createBus();
    const gate = deferred<void>();
    const stop = bus.serve(
      queues.scribe,
      async () => {
        await gate.promise;
        return { verb: 'DONE' };
      },
      { concurrency: 1 },
    );
    const inHand = bus.request(queues.scribe, { verb: 'PROJECT', data: 'a' });
    const waiting = bus.request(queues.scribe, { verb: 'PROJECT', data: 'b' });
    await nextTick();
    stop();
    await expect(waiting).rejects.toMatchObject({ code: 'PIW_ERR_BUS_SERVER_GONE' });
    gate.resolve();
    await expect(inHand).resolves.toEqual({ verb: 'DONE' });
    await expect(bus.request(queues.scribe, { verb: 'PROJECT', data: 'c' })).rejects.toMatchObject({ code: 'PIW_ERR_BUS_NO_SERVER' });
  });

  test('close() fails every waiting request with PIW_ERR_BUS_CLOSED and refuses later use', async () => {
    const bus = createBus();
    bus.serve(queues.scribe, () => new Promise<never>(() => {}));
    const pending = bus.request(queues.scribe, { verb: 'PROJECT', data: 'a' });
    await nextTick();
    bus.close();
    await expect(pending).rejects.toMatchObject({ code: 'PIW_ERR_BUS_CLOSED' });
    expect(() => bus.push(queues.stats, { verb: 'HOME' })).toThrow(expect.objectContaining({ code: 'PIW_ERR_BUS_CLOSED' }));
  });
});

describe('bus push/listen (in-process PUSH → PULL)', () => {
  test('messages pushed before anyone listens wait, in order, up to the high-water mark; past it push reports a drop', async () => {
    const bus = createBus();
    const q = defineQueue('ctrl-test', taskControlProtocol, { hwm: 2 });
    expect(bus.push(q, { verb: 'PAUSE' })).toBe(true);
    expect(bus.push(q, { verb: 'RESUME' })).toBe(true);
    expect(bus.push(q, { verb: 'QUIT' })).toBe(false);
    const got: string[] = [];
    bus.listen(q, (msg) => got.push(msg.verb));
    await nextTick();
    expect(got).toEqual(['PAUSE', 'RESUME']);
  });

  test('with a listener, a burst beyond the high-water mark is delivered whole and in order', async () => {
    const bus = createBus();
    const got: number[] = [];
    bus.listen(queues.builds, (msg) => got.push(Object.keys(msg.data).length));
    for (let i = 0; i < 50; i++) expect(bus.push(queues.builds, { verb: 'QUEUE', data: { [`cp${i}`]: [] } })).toBe(true);
    expect(got).toEqual([]); // asynchronous: nothing runs inside push
    await nextTick();
    expect(got).toHaveLength(50);
  });

  test('one listener per queue; after it stops, messages wait for the next one', async () => {
    const bus = createBus();
    const first: string[] = [];
    const stop = bus.listen(queues.control, (msg) => first.push(msg.verb));
    expect(() => bus.listen(queues.control, () => {})).toThrow(expect.objectContaining({ code: 'PIW_ERR_BUS_ALREADY_LISTENED' }));
    bus.push(queues.control, { verb: 'HELLO' });
    await nextTick();
    stop();
    bus.push(queues.control, { verb: 'QUIT' });
    const second: string[] = [];
    bus.listen(queues.control, (msg) => second.push(msg.verb));
    await nextTick();
    expect(first).toEqual(['HELLO']);
    expect(second).toEqual(['QUIT']);
  });

  test('behaviour 9: an invalid push throws before anything is queued', async () => {
    const bus = createBus();
    const got: unknown[] = [];
    bus.listen(queues.control, (msg) => got.push(msg));
    expect(() => bus.push(queues.control, { verb: 'KILL' } as never)).toThrow('data must be specified for KILL');
    expect(() => bus.push(queues.control, { verb: 'KILL', data: 'all' } as never)).toThrow(/^invalid data for KILL/);
    await nextTick();
    expect(got).toEqual([]);
  });

  test('a listener that throws is reported and the next message is still delivered', async () => {
    const errors: [unknown, string][] = [];
    const bus = createBus({ onError: (err, queue) => errors.push([err, queue]) });
    const got: string[] = [];
    bus.listen(queues.control, (msg) => {
      if (msg.verb === 'HELLO') throw new Error('bad listener');
      got.push(msg.verb);
    });
    expect(bus.push(queues.control, { verb: 'HELLO' })).toBe(true);
    expect(bus.push(queues.control, { verb: 'QUIT' })).toBe(true);
    await nextTick();
    expect(got).toEqual(['QUIT']);
    expect(errors).toEqual([[new Error('bad listener'), 'control']]);
  });
});

describe('bus publish/subscribe (in-process PUB → SUB, the status stream)', () => {
  const slaveDone = {
    verb: 'SLAVE' as const,
    data: [1, new Date('2020-09-15T12:00:00Z'), 'SLEEP', false] as [number, Date, 'SLEEP', boolean],
  };

  test('every subscriber gets every message, unchanged (behaviour 28)', async () => {
    const bus = createBus();
    const a: unknown[] = [];
    const b: unknown[] = [];
    bus.subscribe(queues.status, (msg) => a.push(msg));
    bus.subscribe(queues.status, (msg) => b.push(msg));
    expect(bus.publish(queues.status, slaveDone)).toBe(2);
    await nextTick();
    expect(a).toEqual([slaveDone]);
    expect(b[0]).toBe(slaveDone);
  });

  test('with nobody subscribed a publication is dropped unchecked; an unsubscribed handler hears nothing more', async () => {
    const bus = createBus();
    expect(bus.publish(queues.status, slaveDone)).toBe(0);
    // Nobody hears it, so nothing is spent on checking it (a PUB with no subscriber drops it too).
    expect(bus.publish(queues.status, { verb: 'SLAVE', data: [1, 'yesterday', 'DONE', null] } as never)).toBe(0);
    const got: unknown[] = [];
    const unsubscribe = bus.subscribe(queues.status, (msg) => got.push(msg));
    await nextTick();
    expect(got).toEqual([]);
    unsubscribe();
    expect(bus.publish(queues.status, slaveDone)).toBe(0);
    await nextTick();
    expect(got).toEqual([]);
  });

  test('issue 15: a subscriber hears only what its `wants` takes; a message nobody wants is dropped unchecked', async () => {
    const bus = createBus();
    const sleeps: unknown[] = [];
    const all: unknown[] = [];
    let listening = false;
    bus.subscribe(queues.status, (msg) => sleeps.push(msg), { wants: (msg) => msg.verb === 'SLAVE' && msg.data[2] === 'SLEEP' });
    const unsubscribe = bus.subscribe(queues.status, (msg) => all.push(msg), { wants: () => listening });
    const bad = { verb: 'SLAVE', data: [1, 'yesterday', 'DONE', null] } as never;
    // Neither wants a DONE: not checked, not delivered.
    expect(bus.publish(queues.status, bad)).toBe(0);
    expect(bus.publish(queues.status, slaveDone)).toBe(1);
    listening = true;
    expect(bus.publish(queues.status, slaveDone)).toBe(2);
    expect(() => bus.publish(queues.status, bad)).toThrow(/^invalid data for SLAVE/);
    await nextTick();
    expect([sleeps, all]).toEqual([[slaveDone, slaveDone], [slaveDone]]);
    unsubscribe();
    expect(bus.publish(queues.status, bad)).toBe(0);
  });

  test('publications are checked against the protocol before anyone hears them', async () => {
    const bus = createBus();
    const got: unknown[] = [];
    bus.subscribe(queues.status, (msg) => got.push(msg));
    expect(() => bus.publish(queues.status, { verb: 'SLAVE', data: [1, 'yesterday', 'DONE', null] } as never)).toThrow(
      /^invalid data for SLAVE/,
    );
    await nextTick();
    expect(got).toEqual([]);
  });

  test('a subscriber that throws does not stop the others', async () => {
    const errors: unknown[] = [];
    const bus = createBus({ onError: (err) => errors.push(err) });
    const got: unknown[] = [];
    bus.subscribe(queues.status, () => {
      throw new Error('monitor gone');
    });
    bus.subscribe(queues.status, (msg) => got.push(msg));
    bus.publish(queues.status, slaveDone);
    await nextTick();
    expect(got).toHaveLength(1);
    expect(errors).toEqual([new Error('monitor gone')]);
  });
});
