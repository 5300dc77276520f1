import { createActor } from 'xstate';
import {
  ENDED_LINGER_MS,
  SILENT_MS,
  farmMachine,
  linkState,
  masterState,
  type ControlMessage,
  type FarmEvent,
  type StatusMessage,
} from '../../../machines/farm/index.js';
import { T0, at, masterHello, masterStats, slave, slaveJoins } from './fixtures.js';

function farm() {
  const actor = createActor(farmMachine, { input: { now: T0 } }).start();
  const send = (event: FarmEvent) => actor.send(event);
  return {
    actor,
    send,
    status: (seconds: number, ...messages: StatusMessage[]) => send({ type: 'STATUS', at: at(seconds), messages }),
    tick: (seconds: number) => send({ type: 'TICK', now: at(seconds) }),
    control: (seconds: number, msg: ControlMessage) => send({ type: 'CONTROL', at: at(seconds), msg }),
    get snap() {
      return actor.getSnapshot();
    },
    get context() {
      return actor.getSnapshot().context;
    },
    slave(id: number) {
      const s = actor.getSnapshot().context.slaves.get(id);
      if (s === undefined) throw new Error(`no slave ${id}`);
      return s;
    },
  };
}

describe('link region', () => {
  test('starts absent; LINK_UP asks; LINK_DOWN before anything is heard is absent again', () => {
    const f = farm();
    expect(linkState(f.snap)).toBe('absent');
    f.send({ type: 'LINK_UP', at: at(1) });
    expect(linkState(f.snap)).toBe('asking');
    f.send({ type: 'LINK_DOWN', at: at(2) });
    expect(linkState(f.snap)).toBe('absent');
    expect(f.context.now).toBe(at(2));
  });

  test('any status message makes the master live, even without a LINK_UP (events may race)', () => {
    const f = farm();
    f.status(1, masterHello());
    expect(linkState(f.snap)).toBe('live');
    expect(f.context.master.heardAt).toBe(at(1));
  });

  test('silent after SILENT_MS without a message, live again on the next one', () => {
    const f = farm();
    f.send({ type: 'LINK_UP', at: at(0) });
    f.status(1, masterHello());
    f.tick(1 + SILENT_MS / 1000);
    expect(linkState(f.snap)).toBe('live');
    f.tick(2 + SILENT_MS / 1000);
    expect(linkState(f.snap)).toBe('silent');
    f.status(40, masterStats(40));
    expect(linkState(f.snap)).toBe('live');
  });

  test('LINK_DOWN from live or silent waits for the master again, keeping what it knew', () => {
    const f = farm();
    f.status(1, masterHello(), ...slaveJoins(1, 1));
    f.send({ type: 'LINK_DOWN', at: at(2) });
    expect(linkState(f.snap)).toBe('absent');
    expect(f.context.slaves.size).toBe(1);
    f.status(3, masterStats(3));
    f.tick(3 + SILENT_MS / 1000 + 1);
    expect(linkState(f.snap)).toBe('silent');
    f.send({ type: 'LINK_DOWN', at: at(60) });
    expect(linkState(f.snap)).toBe('absent');
  });
});

describe('slaves', () => {
  test('HELLO, ACK, STATS: a new idle slave with its facts, sample and clock skew', () => {
    const f = farm();
    f.status(10, masterHello(), ...slaveJoins(3, 10, { abi: 'cp39', label: 'pi3-01' }), slave.stats(3, 11, 9));
    const s = f.slave(3);
    expect(s.facts).toMatchObject({ abi: 'cp39', label: 'pi3-01', platform: 'linux_armv7l', busyTimeoutMs: 300_000, buildTimeoutMs: 3 * 3600_000 });
    expect(s).toMatchObject({ firstSeen: at(10), lastSeen: at(11), activity: 'idle', ended: null, clockSkewMs: 2000 });
    expect(s.stats).toMatchObject({ at: at(9), diskFree: 20_000_000_000, load: 0.5, temperature: 45 });
    expect(s.lastReply).toEqual({ verb: 'ACK', at: at(10), text: 'ACK https://pypi.org/simple' });
  });

  test('BUILD, SEND, DONE, then the IDLE after cleaning: building, sending, cleaning, idle', () => {
    const f = farm();
    f.status(0, ...slaveJoins(1, 0));
    f.status(5, slave.stats(1, 5), slave.build(1, 5, 'foo', '1.0'));
    expect(f.slave(1)).toMatchObject({ activity: 'building', since: at(5), build: { package: 'foo', version: '1.0' } });
    f.status(12, slave.stats(1, 12));
    expect(f.slave(1)).toMatchObject({ activity: 'building', since: at(5), lastSeen: at(12) });
    f.status(20, slave.send(1, 20, 'foo-1.0-py3-none-any.whl'));
    f.status(21, slave.send(1, 21, 'foo-1.0-cp311-cp311-linux_armv7l.whl'));
    expect(f.slave(1)).toMatchObject({ activity: 'sending', since: at(20), file: 'foo-1.0-cp311-cp311-linux_armv7l.whl' });
    f.status(22, slave.done(1, 22));
    expect(f.slave(1)).toMatchObject({ activity: 'cleaning', since: at(22), file: null, build: { package: 'foo', version: '1.0' } });
    expect(f.slave(1).lastReply?.text).toBe('DONE');
    f.status(25, slave.stats(1, 25));
    expect(f.slave(1)).toMatchObject({ activity: 'idle', since: at(25), build: null });
  });

  test('SLEEP keeps an idle slave idle since it became idle', () => {
    const f = farm();
    f.status(0, ...slaveJoins(1, 0), slave.sleep(1, 5, false));
    f.status(12, slave.sleep(1, 12, false));
    expect(f.slave(1)).toMatchObject({ activity: 'idle', since: at(0), lastReply: { text: 'SLEEP (nothing to build)' } });
  });

  test('DIE ends a slave as killed, DIE null as expired; it leaves the list ENDED_LINGER_MS after', () => {
    const f = farm();
    f.status(0, ...slaveJoins(1, 0), ...slaveJoins(2, 0));
    f.status(10, slave.die(1, 10), slave.expire(2, 10));
    expect(f.slave(1)).toMatchObject({ ended: 'killed', endedAt: at(10), since: at(10) });
    expect(f.slave(2)).toMatchObject({ ended: 'expired', lastReply: { text: 'DIE (timed out)' } });
    f.tick(10 + ENDED_LINGER_MS / 1000);
    expect(f.context.slaves.size).toBe(2);
    f.tick(11 + ENDED_LINGER_MS / 1000);
    expect(f.context.slaves.size).toBe(0);
  });

  test('a slave first heard mid-stream (no HELLO yet) is kept without facts until the replay', () => {
    const f = farm();
    f.status(5, slave.build(4, 5));
    expect(f.slave(4)).toMatchObject({ facts: null, firstSeen: null, activity: 'building' });
    f.status(6, slave.hello(4, 1), slave.stats(4, 3), slave.build(4, 5));
    expect(f.slave(4)).toMatchObject({ firstSeen: at(1), activity: 'building', since: at(5) });
    expect(f.slave(4).facts?.label).toBe('pi4-slave');
  });

  test('a replay (another monitor said HELLO) changes nothing we know', () => {
    const f = farm();
    f.status(0, masterHello(), ...slaveJoins(1, 0));
    f.status(5, slave.stats(1, 5), slave.build(1, 5));
    f.status(9, slave.stats(1, 9));
    f.status(30, slave.send(1, 30));
    const before = f.slave(1);
    // the master's replay: HELLO at first-seen, the kept samples, the last reply at last-seen
    f.status(31, masterHello(), slave.hello(1, 0), slave.stats(1, 5), slave.stats(1, 9), slave.send(1, 30));
    expect(f.slave(1)).toEqual(before);
  });

  test('a slave that says HELLO again (reconnected under the same id) starts afresh', () => {
    const f = farm();
    f.status(0, ...slaveJoins(1, 0), slave.build(1, 1));
    f.status(50, slave.hello(1, 50), slave.ack(1, 50));
    expect(f.slave(1)).toMatchObject({ firstSeen: at(50), activity: 'idle', build: null });
  });

  test('an older reply than the newest we know is ignored', () => {
    const f = farm();
    f.status(0, ...slaveJoins(1, 0), slave.build(1, 10));
    f.status(11, slave.sleep(1, 5, false));
    expect(f.slave(1).activity).toBe('building');
  });
});

describe('master', () => {
  test('HELLO gives its facts; STATS the latest sample and an hour of history', () => {
    const f = farm();
    f.status(0, masterHello(-100, 'farm'));
    for (let t = 0; t <= 4000; t += 10) f.status(t, masterStats(t));
    const { master } = f.context;
    expect(master.facts).toMatchObject({ label: 'farm', started: at(-100) });
    expect(master.stats?.at).toBe(at(4000));
    expect(master.history[0]!.at).toBe(at(4000 - 3600));
    expect(master.history.at(-1)!.at).toBe(at(4000));
    expect(master.history).toHaveLength(361);
    // a replayed sample is not appended again
    f.status(4001, masterStats(3990));
    expect(f.context.master.history).toHaveLength(361);
  });

  test('a HELLO with another start time is a restart: counted, the old slaves and stats gone', () => {
    const f = farm();
    f.status(0, masterHello(0), masterStats(0), ...slaveJoins(1, 0));
    f.status(5, masterHello(0));
    expect(f.context.master.restarts).toBe(0);
    f.status(100, masterHello(90), ...slaveJoins(1, 95));
    const { master } = f.context;
    expect(master).toMatchObject({ restarts: 1, restartedAt: at(100), previousStarted: at(0), stats: null, history: [] });
    expect(master.facts?.started).toBe(at(90));
    expect(f.slave(1).firstSeen).toBe(at(95));
  });
});

describe('master region: paused, running, quitting', () => {
  test('SLEEP true to a slave means paused; SLEEP false or BUILD to any slave means running', () => {
    const f = farm();
    f.status(0, masterHello(), ...slaveJoins(1, 0), ...slaveJoins(2, 0));
    expect(masterState(f.snap)).toBe('running');
    f.status(5, slave.sleep(1, 5, true));
    expect(masterState(f.snap)).toBe('paused');
    f.status(6, slave.sleep(2, 6, true));
    f.status(9, slave.build(2, 9));
    expect(masterState(f.snap)).toBe('running');
    f.status(11, slave.sleep(1, 11, true));
    // slave 1 fell asleep before slave 2 got work: slave 1 is asleep alone, its SLEEP true says nothing
    expect(f.slave(1)).toMatchObject({ asleep: true, asleepAlone: true });
    expect(masterState(f.snap)).toBe('running');
    f.status(15, slave.sleep(1, 15, false));
    f.status(20, slave.sleep(1, 20, true));
    expect(masterState(f.snap)).toBe('paused');
  });

  test('our own pause and resume count as the latest evidence', () => {
    const f = farm();
    f.status(0, masterHello(), ...slaveJoins(1, 0), slave.sleep(1, 1, false));
    f.control(2, { verb: 'SLEEP', data: null });
    expect(masterState(f.snap)).toBe('paused');
    f.status(3, slave.sleep(1, 3, true));
    f.control(4, { verb: 'WAKE', data: null });
    expect(masterState(f.snap)).toBe('running');
    f.control(5, { verb: 'SLEEP', data: 1 }); // one slave: not the master
    expect(masterState(f.snap)).toBe('running');
  });

  test('QUIT: quitting until a master starts again', () => {
    const f = farm();
    f.status(0, masterHello(0));
    f.control(1, { verb: 'QUIT' });
    expect(masterState(f.snap)).toBe('quitting');
    f.send({ type: 'LINK_DOWN', at: at(2) });
    f.status(3, masterHello(0)); // the old one still talking
    expect(masterState(f.snap)).toBe('quitting');
    f.status(10, masterHello(9));
    expect(masterState(f.snap)).toBe('running');
  });

  test('KILL and SKIP mark what we asked for; the master clears them on WAKE; BUILD ends a skip', () => {
    const f = farm();
    f.status(0, ...slaveJoins(1, 0), ...slaveJoins(2, 0), slave.build(1, 1));
    f.control(2, { verb: 'KILL', data: 2 });
    expect([f.slave(1).killRequested, f.slave(2).killRequested]).toEqual([false, true]);
    f.control(3, { verb: 'SKIP', data: null });
    expect([f.slave(1).skipRequested, f.slave(2).skipRequested]).toEqual([true, false]);
    f.control(4, { verb: 'WAKE', data: null });
    expect([f.slave(1).killRequested, f.slave(2).killRequested, f.slave(1).skipRequested]).toEqual([false, false, false]);
    f.control(5, { verb: 'KILL', data: null });
    f.control(5, { verb: 'SKIP', data: 1 });
    expect([f.slave(1).killRequested, f.slave(2).killRequested, f.slave(1).skipRequested]).toEqual([true, true, true]);
    f.status(6, slave.build(1, 6), slave.die(2, 6));
    expect([f.slave(1).skipRequested, f.slave(2).killRequested, f.slave(2).ended]).toEqual([false, false, 'killed']);
    f.control(7, { verb: 'WAKE', data: 1 });
    expect(f.slave(1).killRequested).toBe(false);
  });
});

test('nothing new, nothing changed: a TICK keeps the master and slave objects, so faces can skip work', () => {
  const f = farm();
  f.status(0, masterHello(), ...slaveJoins(1, 0));
  const before = f.context;
  f.tick(1);
  expect(f.context.now).toBe(at(1));
  expect(f.context.master).toBe(before.master);
  expect(f.context.slaves).toBe(before.slaves);
  f.status(2, slave.stats(1, 2));
  expect(f.context.slaves).not.toBe(before.slaves);
});
