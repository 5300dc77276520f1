import { BuildQueues, DELETION_HOLD_MS, type Job } from '../../../actors/slave-driver/build-queues.js';

const HOUR = 3_600_000;

function queues(start = 1_000_000) {
  const clock = { now: start };
  return { clock, q: new BuildQueues(() => clock.now) };
}

const jobs = (...names: string[]): Job[] => names.map((n) => [n, '1.0'] as const);

describe('BuildQueues', () => {
  test('behaviour 60: every build ABI gets a list, possibly empty; ABIs not listed by GETABIS get none', () => {
    const { q } = queues();
    q.replace(['cp311', 'cp39'], { cp311: jobs('a', 'b'), cp27mu: jobs('c') });
    expect(q.lengths()).toEqual({ cp311: 2, cp39: 0 });
    expect(q.pending('cp311')).toEqual(jobs('a', 'b'));
    expect(q.pop('cp27mu', 1, HOUR)).toBeNull();
  });

  test('behaviour 45: pop hands out the head, oldest first, and holds it for the build timeout', () => {
    const { clock, q } = queues();
    q.replace(['cp311'], { cp311: jobs('a', 'b') });
    expect(q.pop('cp311', 1, HOUR)).toEqual(['a', '1.0']);
    expect(q.inFlight('cp311', 'a', '1.0')).toBe(true);
    expect(q.lengths()).toEqual({ cp311: 1 });
    clock.now += HOUR;
    expect(q.inFlight('cp311', 'a', '1.0')).toBe(false);
  });

  test('behaviour 46: a refresh that still lists an in-flight job leaves it out until the hold expires', () => {
    const { clock, q } = queues();
    q.replace(['cp311'], { cp311: jobs('a', 'b') });
    q.pop('cp311', 1, HOUR);
    q.replace(['cp311'], { cp311: jobs('a', 'b') });
    expect(q.pending('cp311')).toEqual(jobs('b'));
    expect(q.pop('cp311', 2, HOUR)).toEqual(['b', '1.0']);
    expect(q.pop('cp311', 3, HOUR)).toBeNull();
    clock.now += HOUR + 1;
    q.replace(['cp311'], { cp311: jobs('a', 'b') });
    expect(q.pending('cp311')).toEqual(jobs('a', 'b'));
  });

  test('A.1: in-flight holds are per ABI: the same version queued for the next ABI is handed out there', () => {
    const { q } = queues();
    q.replace(['cp311', 'cp39'], { cp311: jobs('a') });
    q.pop('cp311', 1, HOUR);
    q.replace(['cp311', 'cp39'], { cp311: jobs('a'), cp39: jobs('a') });
    expect(q.pending('cp311')).toEqual([]);
    expect(q.pop('cp39', 2, HOUR)).toEqual(['a', '1.0']);
  });

  test('an entry that became excluded after the refresh is skipped by pop', () => {
    const { q } = queues();
    q.replace(['cp311'], { cp311: jobs('a', 'b', 'c') });
    q.delete('b', '1.0', ['cp311']);
    expect(q.pop('cp311', 1, HOUR)).toEqual(['a', '1.0']);
    expect(q.pop('cp311', 1, HOUR)).toEqual(['c', '1.0']);
    expect(q.pop('cp311', 1, HOUR)).toBeNull();
  });

  test('release puts the job of a departed slave back at the head, once, and only for its holder', () => {
    const { q } = queues();
    q.replace(['cp311'], { cp311: jobs('a', 'b') });
    const a = q.pop('cp311', 1, HOUR)!;
    expect(q.release('cp311', a, 2)).toBe(false);
    expect(q.release('cp311', a, 1)).toBe(true);
    expect(q.release('cp311', a, 1)).toBe(false);
    expect(q.pending('cp311')).toEqual(jobs('a', 'b'));
    expect(q.pop('cp311', 3, HOUR)).toEqual(['a', '1.0']);
    expect(q.pop('cp311', 3, HOUR)).toEqual(['b', '1.0']);
    // Both gone: the queue is empty and a release still puts a job back in front.
    expect(q.release('cp311', ['b', '1.0'], 3)).toBe(true);
    expect(q.pending('cp311')).toEqual(jobs('b'));
  });

  test('a job deleted while in flight is not put back when its slave goes', () => {
    const { q } = queues();
    q.replace(['cp311'], { cp311: jobs('a') });
    const a = q.pop('cp311', 1, HOUR)!;
    q.delete('a', null, ['cp311']);
    expect(q.release('cp311', a, 1)).toBe(false);
    expect(q.lengths()).toEqual({ cp311: 0 });
  });

  test('behaviour 62: DELVER strips (pkg, ver) from every queue and keeps it out of refreshes for an hour', () => {
    const { clock, q } = queues();
    const queue = { cp311: [['a', '1.0'], ['a', '2.0']] as Job[], cp39: [['a', '1.0']] as Job[] };
    q.replace(['cp311', 'cp39'], queue);
    q.delete('a', '1.0', ['cp311', 'cp39']);
    expect(q.pending('cp311')).toEqual([['a', '2.0']]);
    expect(q.pending('cp39')).toEqual([]);
    q.replace(['cp311', 'cp39'], queue);
    expect(q.pending('cp311')).toEqual([['a', '2.0']]);
    clock.now += DELETION_HOLD_MS;
    q.replace(['cp311', 'cp39'], queue);
    expect(q.pending('cp311')).toEqual(queue.cp311);
    expect(q.pending('cp39')).toEqual(queue.cp39);
  });

  test('behaviour 63: DELPKG matches every version of the package and no other package', () => {
    const { q } = queues();
    const queue = { cp311: [['a', '1.0'], ['ab', '1.0'], ['a', '2.0']] as Job[] };
    q.replace(['cp311'], queue);
    q.delete('a', null, ['cp311']);
    expect(q.pending('cp311')).toEqual([['ab', '1.0']]);
    q.replace(['cp311'], queue);
    expect(q.pending('cp311')).toEqual([['ab', '1.0']]);
  });

  test('behaviour 64: a deletion before any queue creates empty queues and still filters the first QUEUE', () => {
    const { q } = queues();
    q.delete('a', '1.0', ['cp311', 'cp39']);
    expect(q.lengths()).toEqual({ cp311: 0, cp39: 0 });
    q.replace(['cp311', 'cp39'], { cp311: jobs('a', 'b') });
    expect(q.pending('cp311')).toEqual(jobs('b'));
  });

  test('the QUEUE message is never modified', () => {
    const { q } = queues();
    const queue = Object.freeze({ cp311: Object.freeze(jobs('a', 'b')) });
    q.replace(['cp311'], queue);
    q.pop('cp311', 1, HOUR);
    q.delete('b', null, ['cp311']);
    expect(queue.cp311).toEqual(jobs('a', 'b'));
  });

  test('an ABI named like an object property is just a name', () => {
    const { q } = queues();
    q.replace(['__proto__', 'constructor'], { __proto__: jobs('a') } as never);
    expect(Object.keys(q.lengths()).sort()).toEqual(['__proto__', 'constructor']);
    expect(q.lengths()['constructor']).toBe(0);
  });
});
