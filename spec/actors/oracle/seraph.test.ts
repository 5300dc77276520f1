/**
 * Seraph and the Oracles' turn-taking (behaviours 168–170), with a database whose answers the test
 * releases one by one, so that "busy" is under the test's control.
 */
import type { PiwheelsDb } from '../../../schema/api.js';
import { Oracle, type OracleReply } from '../../../actors/oracle/oracle.js';
import { Seraph } from '../../../actors/oracle/seraph.js';

/** A database that answers PKGEXISTS (testPackage) only when the test says so. */
class HeldDatabase {
  readonly started: string[] = [];
  private readonly pending = new Map<string, (ok: boolean) => void>();

  testPackage(pkg: string): Promise<boolean> {
    this.started.push(pkg);
    return new Promise((resolve) => this.pending.set(pkg, resolve));
  }

  release(pkg: string, ok = true): void {
    this.pending.get(pkg)!(ok);
    this.pending.delete(pkg);
  }
}

const tick = () => new Promise((r) => setImmediate(r));

function setUp(oracles: number) {
  const db = new HeldDatabase();
  const seraph = new Seraph();
  const workers = Array.from({ length: oracles }, (_, i) => new Oracle(i + 1, db as unknown as PiwheelsDb));
  const replies = new Map<string, OracleReply>();
  const ask = (pkg: string) => seraph.handle({ verb: 'PKGEXISTS', data: pkg }).then((reply) => void replies.set(pkg, reply));
  return { db, seraph, workers, replies, ask };
}

test('a request waits while every Oracle is busy and goes to the first one ready, oldest first (behaviour 168)', async () => {
  const { db, seraph, workers, replies, ask } = setUp(2);
  for (const w of workers) seraph.ready(w);
  const all = ['a', 'b', 'c', 'd', 'e'].map(ask);
  await tick();
  expect(db.started).toEqual(['a', 'b']);
  expect(seraph.queued).toBe(3);
  db.release('b');
  await tick();
  expect(replies.has('b')).toBe(true);
  expect(db.started).toEqual(['a', 'b', 'c']);
  db.release('a');
  db.release('c', false);
  await tick();
  expect(db.started).toEqual(['a', 'b', 'c', 'd', 'e']);
  db.release('d');
  db.release('e');
  await Promise.all(all);
  expect(seraph.available).toBe(2);
  // Oracle 2 freed first, so it took c, and e after it.
  expect(workers.map((w) => w.answered)).toEqual([2, 3]);
});

test('each answer goes back to the request it belongs to (behaviour 169)', async () => {
  const { db, seraph, workers, replies, ask } = setUp(3);
  for (const w of workers) seraph.ready(w);
  const all = ['x', 'y', 'z'].map(ask);
  await tick();
  db.release('z', false);
  db.release('x', true);
  db.release('y', false);
  await Promise.all(all);
  expect(Object.fromEntries(replies)).toEqual({
    x: { verb: 'OK', data: true },
    y: { verb: 'OK', data: false },
    z: { verb: 'OK', data: false },
  });
});

test('requests wait until an Oracle announces itself ready (behaviour 170)', async () => {
  const { db, seraph, workers, ask } = setUp(1);
  const answered = ask('early');
  await tick();
  expect(db.started).toEqual([]);
  seraph.ready(workers[0]!);
  await tick();
  expect(db.started).toEqual(['early']);
  db.release('early');
  await answered;
});

test('stopping answers waiting requests with ERROR and lets running ones finish', async () => {
  const { db, seraph, workers, replies, ask } = setUp(1);
  seraph.ready(workers[0]!);
  const all = ['running', 'waiting'].map(ask);
  await tick();
  const stopped = seraph.stop();
  await tick();
  expect(replies.get('waiting')).toEqual({ verb: 'ERROR', data: 'the database task is stopping' });
  expect(replies.has('running')).toBe(false);
  db.release('running');
  await stopped;
  await Promise.all(all);
  expect(replies.get('running')).toEqual({ verb: 'OK', data: true });
  expect(await seraph.handle({ verb: 'GETPYPI' })).toEqual({ verb: 'ERROR', data: 'the database task is stopping' });
});
