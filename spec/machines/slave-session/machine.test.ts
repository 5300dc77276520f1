import { createActor } from 'xstate';
import { NO_DATA, TimeDelta, type FileStateWire } from '../../../protocols/index.js';
import { silenceWatch, slaveSessionMachine, STATS_KEPT, statsSamples } from '../../../machines/slave-session/index.js';
import { armTwinName, armWheel, BUSY_TIMEOUT_MS, builtFailed, builtOk, helloData, pureWheel, statsData } from '../support/slave-fixtures.js';
import { deferred, EPOCH, PYPI, settle, SLAVE_ID, startSession } from './harness.js';

const at = (ms: number) => new Date(EPOCH + ms);

describe('greeting', () => {
  test('37, 38, 70: HELLO → ACK [id, url]; the hello is kept verbatim; monitors get HELLO then ACK', async () => {
    const s = startSession();
    const hello = helloData();
    await s.hello(hello);
    expect(s.replies).toEqual([{ verb: 'ACK', data: [SLAVE_ID, PYPI] }]);
    expect(s.state().context.hello).toBe(hello);
    expect(s.statuses).toEqual([
      { verb: 'SLAVE', data: [SLAVE_ID, at(0), 'HELLO', hello] },
      { verb: 'SLAVE', data: [SLAVE_ID, at(0), 'ACK', [SLAVE_ID, PYPI]] },
    ]);
    expect(s.state().value).toEqual({ connected: 'ready' });
  });

  test('37, 39: the id is asked for only once a HELLO is accepted, with the connection and its hello', async () => {
    const s = startSession();
    await s.idle();
    expect(s.state().output).toMatchObject({ reason: 'rejected' });
    const t = startSession();
    const hello = helloData();
    await t.hello(hello);
    expect(t.registered).toEqual([{ peer: 'peer-7', hello }]);
    expect(t.state().context.slaveId).toBe(SLAVE_ID);
    await t.hello();
    expect(t.registered).toHaveLength(1);
    expect(t.lastReply()).toEqual({ verb: 'DIE' });
  });

  test.each(['IDLE', 'BUSY', 'BUILT', 'SENT', 'BYE'] as const)(
    '39: %s as the first message is logged as an error, gets no reply and ends the session (rejected)',
    async (verb) => {
      const s = startSession();
      const event =
        verb === 'IDLE' || verb === 'BUSY'
          ? { type: verb, data: statsData(), at: at(0) }
          : verb === 'BUILT'
            ? { type: verb, data: builtOk(), at: at(0) }
            : { type: verb, data: undefined, at: at(0) };
      await s.send(event as never);
      expect(s.replies).toEqual([]);
      expect(s.statuses).toEqual([]);
      expect(s.errorLogs()).toEqual([`invalid first message from slave: ${verb}`]);
      expect(s.state().status).toBe('done');
      expect(s.state().output).toEqual({ reason: 'rejected', slaveId: 0, build: null });
      expect(s.registered).toEqual([]);
    },
  );

  test('HELLO from a slave already greeted is out of order: DIE and a protocol error', async () => {
    const s = startSession();
    await s.hello();
    await s.hello();
    expect(s.replyVerbs()).toEqual(['ACK', 'DIE']);
    expect(s.errorLogs()).toEqual([`slave ${SLAVE_ID}: protocol error (HELLO after ACK)`]);
  });
});

describe('asking for work', () => {
  test('44: IDLE with nothing queued for the ABI → SLEEP false; IDLE is allowed again after SLEEP', async () => {
    const s = startSession();
    await s.hello();
    await s.idle();
    await s.idle();
    expect(s.replyVerbs()).toEqual(['ACK', 'SLEEP', 'SLEEP']);
    expect(s.lastReply()).toEqual({ verb: 'SLEEP', data: false });
  });

  test('45: IDLE with work asks the queue for the slave ABI and build timeout → BUILD [pkg, ver]', async () => {
    const s = startSession();
    await s.toBuilding();
    expect(s.callsOf('requestJob')).toEqual([{ slaveId: SLAVE_ID, abi: 'cp311', buildTimeout: TimeDelta.fromSeconds(3 * 3600), idleAt: s.now() }]);
    expect(s.lastReply()).toEqual({ verb: 'BUILD', data: ['foo', '1.0'] });
    expect(s.state().context.build).toEqual({ package: 'foo', version: '1.0' });
  });

  test('the queue may answer later: BUILD goes out when the answer comes', async () => {
    const job = deferred<readonly [string, string] | null>();
    const s = startSession({ services: { requestJob: () => job.promise } });
    await s.hello();
    await s.idle();
    expect([s.replyVerbs(), s.state().value]).toEqual([['ACK'], { connected: 'requesting' }]);
    job.resolve(['foo', '1.0']);
    await settle();
    expect(s.lastReply()).toEqual({ verb: 'BUILD', data: ['foo', '1.0'] });
  });

  test('a queue that answers at once is answered without leaving ready on the way (no requesting)', async () => {
    const s = startSession();
    const states: unknown[] = [];
    s.actor.system.inspect((e) => {
      if (e.type === '@xstate.microstep' && e.actorRef === s.actor) states.push((e.snapshot as unknown as { value: unknown }).value);
    });
    await s.hello();
    states.length = 0;
    await s.idle();
    expect(states).toEqual([{ connected: 'ready' }, { connected: 'ready' }]);
    s.jobs.push(['foo', '1.0']);
    states.length = 0;
    await s.idle();
    expect(states).toEqual([{ connected: 'ready' }, { connected: 'building' }]);
  });

  test.each([
    ['throws', () => { throw new Error('queue gone'); }],
    ['rejects', () => Promise.reject(new Error('queue gone'))],
  ])('a build queue that %s answers SLEEP false and logs the error; the slave simply asks again', async (_, requestJob) => {
    const s = startSession({ services: { requestJob } });
    await s.hello();
    await s.idle();
    expect(s.lastReply()).toEqual({ verb: 'SLEEP', data: false });
    expect(s.errorLogs()).toEqual([`slave ${SLAVE_ID}: build queue failed (Error: queue gone); told to sleep`]);
    expect(s.state().status).toBe('active');
  });

  test('an answer from the queue nobody is waiting for is ignored: before any IDLE, or for an IDLE before the last', async () => {
    const s = startSession();
    await s.hello();
    await s.send({ type: 'JOB', job: ['foo', '1.0'], idleAt: s.now() });
    expect(s.replyVerbs()).toEqual(['ACK']);
    await s.idle();
    const first = s.state().context.lastSeen!;
    await s.idle();
    for (const event of [
      { type: 'JOB', job: ['foo', '1.0'], idleAt: first },
      { type: 'JOB', job: null, idleAt: first },
      { type: 'JOB_FAILED', error: new Error('late'), idleAt: first },
      { type: 'JOB_PENDING', idleAt: first },
    ] as const) {
      await s.send(event);
    }
    expect([s.replyVerbs(), s.state().value, s.state().context.build, s.errorLogs()]).toEqual([['ACK', 'SLEEP', 'SLEEP'], { connected: 'ready' }, null, []]);
  });

  test('42: KILL makes the next IDLE get DIE; the slave then says BYE', async () => {
    const s = startSession();
    await s.hello();
    await s.send({ type: 'KILL' });
    await s.idle();
    expect(s.replyVerbs()).toEqual(['ACK', 'DIE']);
    expect(s.callsOf('requestJob')).toEqual([]);
    await s.bye();
    expect(s.state().output).toEqual({ reason: 'bye', slaveId: SLAVE_ID, build: null });
  });

  test('43: while the Slave Driver is paused IDLE gets SLEEP true; RESUME lets work flow again', async () => {
    const s = startSession();
    await s.hello();
    await s.send({ type: 'PAUSE' });
    await s.idle();
    expect(s.lastReply()).toEqual({ verb: 'SLEEP', data: true });
    await s.send({ type: 'RESUME' });
    s.jobs.push(['foo', '1.0']);
    await s.idle();
    expect(s.lastReply()).toEqual({ verb: 'BUILD', data: ['foo', '1.0'] });
  });

  test('43: a session started while the master is paused sleeps its slave', async () => {
    const s = startSession({ input: { masterPaused: true } });
    await s.hello();
    await s.idle();
    expect(s.lastReply()).toEqual({ verb: 'SLEEP', data: true });
  });

  test('68 (QUIRK fixed): a per-slave SLEEP really pauses that slave until WAKE', async () => {
    const s = startSession();
    await s.hello();
    await s.send({ type: 'SLEEP' });
    s.jobs.push(['foo', '1.0']);
    await s.idle();
    expect(s.lastReply()).toEqual({ verb: 'SLEEP', data: true });
    expect(s.callsOf('requestJob')).toEqual([]);
    await s.send({ type: 'WAKE' });
    await s.idle();
    expect(s.lastReply()).toEqual({ verb: 'BUILD', data: ['foo', '1.0'] });
  });

  test('67: WAKE clears killed, skipped and paused', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.send({ type: 'KILL' });
    await s.send({ type: 'SKIP' });
    await s.send({ type: 'SLEEP' });
    expect(s.state().context).toMatchObject({ killed: true, skipped: true, paused: true });
    await s.send({ type: 'WAKE' });
    expect(s.state().context).toMatchObject({ killed: false, skipped: false, paused: false });
    await s.busy();
    expect(s.lastReply()).toEqual({ verb: 'CONT' });
  });

  test('a message sent before the pending answer is logged and dropped; the answer is still sent once', async () => {
    const job = deferred<readonly [string, string] | null>();
    const s = startSession({ services: { requestJob: () => job.promise } });
    await s.hello();
    await s.idle();
    await s.idle();
    await s.busy();
    expect(s.replyVerbs()).toEqual(['ACK']);
    expect(s.errorLogs()).toEqual([
      `slave ${SLAVE_ID}: ignored IDLE sent before the reply to its last request`,
      `slave ${SLAVE_ID}: ignored BUSY sent before the reply to its last request`,
    ]);
    job.resolve(['foo', '1.0']);
    await settle();
    expect(s.replyVerbs()).toEqual(['ACK', 'BUILD']);
  });
});

describe('building', () => {
  test('48: BUSY → CONT, and CONT is not reported to monitors nor counted as the last reply', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.busy();
    await s.busy();
    expect(s.replyVerbs()).toEqual(['ACK', 'BUILD', 'CONT', 'CONT']);
    expect(s.statusVerbs()).toEqual(['HELLO', 'ACK', 'STATS', 'BUILD', 'STATS', 'STATS']);
    expect(s.state().context.lastReply).toEqual({ verb: 'BUILD', data: ['foo', '1.0'] });
  });

  test('48, 66: after SKIP the next BUSY gets DONE, which ends the build and clears the skip', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.send({ type: 'SKIP' });
    await s.busy();
    expect(s.lastReply()).toEqual({ verb: 'DONE' });
    expect(s.state().context).toMatchObject({ build: null, skipped: false });
    // the next build is not affected
    s.jobs.push(['bar', '2.0']);
    await s.idle();
    await s.busy();
    expect(s.replyVerbs().slice(-2)).toEqual(['BUILD', 'CONT']);
  });

  test('SKIP with no build in progress is ignored and does not spoil the next build', async () => {
    const s = startSession();
    await s.hello();
    await s.send({ type: 'SKIP' });
    expect(s.state().context.skipped).toBe(false);
    s.jobs.push(['foo', '1.0']);
    await s.idle();
    await s.busy();
    expect(s.lastReply()).toEqual({ verb: 'CONT' });
  });

  test('50: BUILT from a skipped slave → DONE; nothing is logged to the database', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.send({ type: 'SKIP' });
    await s.built();
    expect(s.lastReply()).toEqual({ verb: 'DONE' });
    expect(s.callsOf('logBuild')).toEqual([]);
    expect(s.callsOf('expectFile')).toEqual([]);
  });

  test('51: a failed build is logged (ABI = the slave ABI, no files), then PROJECT, then DONE', async () => {
    const s = startSession();
    await s.toBuilding();
    const failed = builtFailed();
    failed[3] = [pureWheel]; // a failed build's files are not recorded
    await s.built(failed);
    expect(s.calls.map((c) => c.service)).toEqual(['requestJob', 'logBuild', 'requestPages']);
    expect(s.callsOf('logBuild')).toEqual([[SLAVE_ID, 'foo', '1.0', 'cp311', false, failed[1], failed[2], []]]);
    expect(s.callsOf('requestPages')).toEqual([{ verb: 'PROJECT', data: 'foo' }]);
    expect(s.lastReply()).toEqual({ verb: 'DONE' });
    expect(s.state().context.build).toBeNull();
  });

  test('a successful build with no wheels is logged and gets PROJECT and DONE without any transfer', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.built(builtOk([]));
    expect(s.callsOf('expectFile')).toEqual([]);
    expect(s.callsOf('logBuild')).toEqual([[SLAVE_ID, 'foo', '1.0', 'cp311', true, builtOk()[1], builtOk()[2], []]]);
    expect(s.callsOf('requestPages')).toEqual([{ verb: 'PROJECT', data: 'foo' }]);
    expect(s.lastReply()).toEqual({ verb: 'DONE' });
  });
});

describe('issue 11: a success whose files are not all this build\'s is refused', () => {
  test.each([
    ['a wheel of another package (a takeover of its file row)', ['numpy-1.0-py3-none-any.whl', 10, pureWheel[2], 'numpy', '1.0', 'py3', 'none', 'any', {}], 'wheel "numpy-1.0-py3-none-any.whl" is not a file of package "foo"'],
    ['a wheel of another version', ['foo-0.9-py3-none-any.whl', 10, pureWheel[2], 'foo', '0.9', 'py3', 'none', 'any', {}], 'wheel "foo-0.9-py3-none-any.whl" is not a file of "foo" version "1.0"'],
    ['an apt dependency that is a shell command', [...pureWheel.slice(0, 8), { apt: ['$(touch /tmp/PWNED)'] }], 'invalid apt package name "$(touch /tmp/PWNED)" in the dependencies of "foo-1.0-py3-none-any.whl"'],
  ] as [string, FileStateWire, string][])('%s: recorded as a failure with the reason in its output, nothing transferred, DONE', async (_, file, reason) => {
    const s = startSession();
    await s.toBuilding();
    const built = builtOk([pureWheel, file]);
    await s.built(built);
    expect(s.callsOf('expectFile')).toEqual([]);
    expect(s.callsOf('logBuild')).toEqual([[SLAVE_ID, 'foo', '1.0', 'cp311', false, built[1], `${built[2]}\n\n[piwheels master: build refused: ${reason}]`, []]]);
    expect(s.lastReply()).toEqual({ verb: 'DONE' });
    expect(s.logs).toContainEqual({ level: 'warning', message: `slave ${SLAVE_ID}: build refused foo 1.0: ${reason}` });
  });
});

test('issue 11: a success reporting a wheel over the master\'s --max-file-size is recorded as a failure, not refused at EXPECT and built again for ever', async () => {
  const s = startSession({ input: { maxFileSize: 2 ** 31 } });
  await s.toBuilding();
  const big: FileStateWire = [pureWheel[0], 2 ** 31 + 1, ...pureWheel.slice(2)] as unknown as FileStateWire;
  const built = builtOk([big]);
  await s.built(built);
  expect(s.callsOf('expectFile')).toEqual([]);
  const reason = `wheel "foo-1.0-py3-none-any.whl" is 2147483649 bytes, over the master's limit of 2147483648 bytes`;
  expect(s.callsOf('logBuild')).toEqual([[SLAVE_ID, 'foo', '1.0', 'cp311', false, built[1], `${built[2]}\n\n[piwheels master: build refused: ${reason}]`, []]]);
  expect(s.lastReply()).toEqual({ verb: 'DONE' });
});

describe('transferring', () => {
  test('52–55, 57: armv6l twin added, files EXPECTed and SENT in filename order, logged only after the last verify, then BOTH and DONE', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.built(builtOk([pureWheel, armWheel]));
    // the armv6l twin sorts first but is already "transferred": the armv7l wheel goes first
    expect(s.callsOf('expectFile')).toEqual([{ slaveId: SLAVE_ID, file: armWheel }]);
    expect(s.lastReply()).toEqual({ verb: 'SEND', data: armWheel[0] });
    await s.sent();
    expect(s.callsOf('verifyFile')).toEqual([{ slaveId: SLAVE_ID, package: 'foo' }]);
    expect(s.callsOf('expectFile')[1]).toEqual({ slaveId: SLAVE_ID, file: pureWheel });
    expect(s.lastReply()).toEqual({ verb: 'SEND', data: pureWheel[0] });
    expect(s.callsOf('logBuild')).toEqual([]);
    await s.sent();
    const [record] = s.callsOf('logBuild') as [unknown[]];
    expect(record.slice(0, 5)).toEqual([SLAVE_ID, 'foo', '1.0', 'cp311', true]);
    expect((record[7] as unknown[][]).map((f) => f[0])).toEqual([armTwinName, armWheel[0], pureWheel[0]]);
    expect((record[7] as unknown[][])[0]).toEqual([armTwinName, ...armWheel.slice(1, 7), 'linux_armv6l', armWheel[8]]);
    expect(s.callsOf('requestPages')).toEqual([{ verb: 'BOTH', data: 'foo' }]);
    expect(s.replyVerbs()).toEqual(['ACK', 'BUILD', 'SEND', 'SEND', 'DONE']);
    expect(s.statusVerbs()).toEqual(['HELLO', 'ACK', 'STATS', 'BUILD', 'SEND', 'SEND', 'DONE']);
    expect(s.statuses[4]!.data).toEqual([SLAVE_ID, at(0), 'SEND', armWheel[0]]);
    expect(s.statuses[6]!.data).toEqual([SLAVE_ID, at(0), 'DONE', NO_DATA]);
  });

  test('56 (LATER fix): a failed VERIFY re-EXPECTs the same file before sending it again', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.built(builtOk([pureWheel]));
    s.verifies.push(false);
    await s.sent();
    expect(s.callsOf('expectFile')).toEqual([{ slaveId: SLAVE_ID, file: pureWheel }, { slaveId: SLAVE_ID, file: pureWheel }]);
    expect(s.replyVerbs().slice(-2)).toEqual(['SEND', 'SEND']);
    expect(s.lastReply()).toEqual({ verb: 'SEND', data: pureWheel[0] });
    expect(s.logs).toContainEqual({ level: 'warning', message: `slave ${SLAVE_ID}: failed to verify ${pureWheel[0]}; sending it again` });
    await s.sent();
    expect(s.lastReply()).toEqual({ verb: 'DONE' });
    expect(s.callsOf('logBuild')).toHaveLength(1);
  });

  test('a file that fails VERIFY maxSendAttempts times abandons the build: DONE, nothing logged, the job back in the queue', async () => {
    const s = startSession({ input: { maxSendAttempts: 2 } });
    await s.toBuilding();
    await s.built(builtOk([pureWheel]));
    s.verifies.push(false, false);
    await s.sent();
    await s.sent();
    expect(s.replyVerbs()).toEqual(['ACK', 'BUILD', 'SEND', 'SEND', 'DONE']);
    expect(s.callsOf('logBuild')).toEqual([]);
    expect(s.errorLogs()).toEqual([`slave ${SLAVE_ID}: failed to verify ${pureWheel[0]} 2 times; abandoning foo 1.0`]);
    expect(s.state().context.build).toBeNull();
    expect(s.callsOf('releaseJob')).toEqual([{ slaveId: SLAVE_ID, abi: 'cp311', job: ['foo', '1.0'] }]);
  });

  test('a VERIFY that cannot be made counts as a failed one', async () => {
    let fail = true;
    const s = startSession({
      services: {
        verifyFile: async () => {
          if (fail) {
            fail = false;
            throw new Error('fs queue down');
          }
          return true;
        },
      },
    });
    await s.toBuilding();
    await s.built(builtOk([pureWheel]));
    await s.sent();
    expect(s.logs).toContainEqual({
      level: 'warning',
      message: `slave ${SLAVE_ID}: error (Error: fs queue down) verifying ${pureWheel[0]}; sending it again`,
    });
    await s.sent();
    expect(s.lastReply()).toEqual({ verb: 'DONE' });
    expect(s.callsOf('logBuild')).toHaveLength(1);
  });

  test('an EXPECT the File Juggler refuses abandons the build with DONE and nothing logged, the job back in the queue', async () => {
    const s = startSession({ services: { expectFile: async () => { throw new Error('invalid wheel filename'); } } });
    await s.toBuilding();
    await s.built();
    expect(s.lastReply()).toEqual({ verb: 'DONE' });
    expect(s.callsOf('logBuild')).toEqual([]);
    expect(s.errorLogs()).toEqual([
      `slave ${SLAVE_ID}: file juggler refused ${armWheel[0]} (Error: invalid wheel filename); abandoning foo 1.0`,
    ]);
    expect(s.callsOf('releaseJob')).toEqual([{ slaveId: SLAVE_ID, abi: 'cp311', job: ['foo', '1.0'] }]);
  });

  test('an Oracle ERROR on LOGBUILD answers DONE, requests no pages and gives the job back (built again next)', async () => {
    const s = startSession({ services: { logBuild: async () => { throw new Error('ERROR: database is down'); } } });
    await s.toBuilding();
    await s.built(builtFailed());
    expect(s.lastReply()).toEqual({ verb: 'DONE' });
    expect(s.callsOf('requestPages')).toEqual([]);
    expect(s.errorLogs()).toEqual([
      `slave ${SLAVE_ID}: failed to log the build of foo 1.0 (Error: ERROR: database is down); it will be built again`,
    ]);
    expect(s.callsOf('releaseJob')).toEqual([{ slaveId: SLAVE_ID, abi: 'cp311', job: ['foo', '1.0'] }]);
    expect(s.state().status).toBe('active');
  });

  test('a failing page request still answers DONE and is logged; the recorded build keeps its job', async () => {
    const s = startSession({ services: { requestPages: async () => { throw new Error('secretary gone'); } } });
    await s.toBuilding();
    await s.built(builtFailed());
    expect(s.lastReply()).toEqual({ verb: 'DONE' });
    expect(s.errorLogs()).toEqual([`slave ${SLAVE_ID}: failed to request the pages of foo (Error: secretary gone)`]);
    expect(s.callsOf('releaseJob')).toEqual([]); // the build is recorded: not built again
  });
});

describe('messages out of order', () => {
  test('41: IDLE after BUILD → DIE with a protocol-error log; IDLE after DIE → DIE again', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.idle();
    await s.idle();
    expect(s.replyVerbs()).toEqual(['ACK', 'BUILD', 'DIE', 'DIE']);
    expect(s.errorLogs()).toEqual([
      `slave ${SLAVE_ID}: protocol error (IDLE after BUILD)`,
      `slave ${SLAVE_ID}: protocol error (IDLE after DIE)`,
    ]);
  });

  test('41: IDLE after SEND → DIE', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.built();
    await s.idle();
    expect(s.replyVerbs().slice(-2)).toEqual(['SEND', 'DIE']);
    expect(s.errorLogs()).toEqual([`slave ${SLAVE_ID}: protocol error (IDLE after SEND)`]);
  });

  test('49: BUILT when the last reply was not BUILD → DIE', async () => {
    const s = startSession();
    await s.hello();
    await s.built();
    expect(s.replyVerbs()).toEqual(['ACK', 'DIE']);
    expect(s.errorLogs()).toEqual([`slave ${SLAVE_ID}: protocol error (BUILT after ACK)`]);
  });

  test('49: BUILT after SEND → DIE', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.built();
    await s.built();
    expect(s.replyVerbs().slice(-1)).toEqual(['DIE']);
    expect(s.errorLogs()).toEqual([`slave ${SLAVE_ID}: protocol error (BUILT after SEND)`]);
  });

  test('53: SENT when the last reply was not SEND → DIE', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.sent();
    expect(s.replyVerbs()).toEqual(['ACK', 'BUILD', 'DIE']);
    expect(s.errorLogs()).toEqual([`slave ${SLAVE_ID}: protocol error (SENT after BUILD)`]);
  });

  test('BUSY with no build in progress → DIE (0.18 answered CONT, only to DIE at BUILT)', async () => {
    const s = startSession();
    await s.hello();
    await s.busy();
    expect(s.replyVerbs()).toEqual(['ACK', 'DIE']);
    expect(s.errorLogs()).toEqual([`slave ${SLAVE_ID}: protocol error (BUSY after ACK)`]);
  });

  test('69: IDLE and BUSY out of order still report their stats before the DIE', async () => {
    const s = startSession();
    await s.hello();
    await s.busy();
    expect(s.statusVerbs()).toEqual(['HELLO', 'ACK', 'STATS', 'DIE']);
    expect(s.statuses[3]!.data).toEqual([SLAVE_ID, at(0), 'DIE', NO_DATA]);
  });
});

test('issue 15: HELLO → ACK and IDLE → SLEEP or BUILD each take one macrostep when the id counter and the queue answer at once', async () => {
  const s = startSession();
  let snapshots = 0;
  s.actor.subscribe(() => snapshots++);
  await s.hello();
  expect([s.replyVerbs(), snapshots]).toEqual([['ACK'], 1]);
  await s.idle();
  expect([s.replyVerbs(), snapshots]).toEqual([['ACK', 'SLEEP'], 2]);
  s.jobs.push(['foo', '1.0']);
  await s.idle();
  expect([s.replyVerbs(), snapshots]).toEqual([['ACK', 'SLEEP', 'BUILD'], 3]);
});

test('issue 15: a reply that repeats the last one (SLEEP false again) is not noted again; one with other data or verb is', async () => {
  const s = startSession();
  await s.hello();
  await s.idle();
  await s.idle();
  expect([s.replyVerbs(), s.state().context.lastReply]).toEqual([['ACK', 'SLEEP', 'SLEEP'], { verb: 'SLEEP', data: false }]);
  s.actor.send({ type: 'SLEEP' });
  await s.idle();
  expect(s.state().context.lastReply).toEqual({ verb: 'SLEEP', data: true });
  s.actor.send({ type: 'WAKE' });
  s.jobs.push(['foo', '1.0']);
  await s.idle();
  expect([s.state().context.lastReply, s.state().context.build]).toEqual([{ verb: 'BUILD', data: ['foo', '1.0'] }, { package: 'foo', version: '1.0' }]);
});

test('issue 15: hello and shutdown are logged at INFO, as 0.18 does; IDLE → SLEEP logs nothing', async () => {
  const s = startSession();
  await s.hello();
  await s.idle();
  await s.idle();
  await s.bye();
  expect(s.logs).toEqual([
    { level: 'info', message: expect.stringMatching(new RegExp(`^slave ${SLAVE_ID}: hello \\(build_timeout=`)) },
    { level: 'info', message: `slave ${SLAVE_ID}: shutdown` },
  ]);
});

describe('leaving', () => {
  test('58: BYE ends the session with no reply; monitors see DIE with NoData', async () => {
    const s = startSession();
    await s.hello();
    s.clock.increment(1000);
    await s.bye();
    expect(s.replyVerbs()).toEqual(['ACK']);
    expect(s.statuses[s.statuses.length - 1]).toEqual({ verb: 'SLAVE', data: [SLAVE_ID, at(1000), 'DIE', NO_DATA] });
    expect(s.state().output).toEqual({ reason: 'bye', slaveId: SLAVE_ID, build: null });
  });

  test('58: BYE mid-build names the build in the output so the Slave Driver can release it', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.busy();
    await s.bye();
    expect(s.state().output).toEqual({ reason: 'bye', slaveId: SLAVE_ID, build: { package: 'foo', version: '1.0' } });
  });

  test('58: BYE while the queue is answering ends the session; the late answer is dropped', async () => {
    const job = deferred<readonly [string, string] | null>();
    const s = startSession({ services: { requestJob: () => job.promise } });
    await s.hello();
    await s.idle();
    await s.bye();
    job.resolve(['foo', '1.0']);
    await settle();
    expect(s.replyVerbs()).toEqual(['ACK']);
    expect(s.state().output).toEqual({ reason: 'bye', slaveId: SLAVE_ID, build: null });
  });

  test('58: BYE while a file is being verified ends the session and aborts the verify', async () => {
    let aborted = false;
    const s = startSession({
      services: {
        verifyFile: (_, signal) => new Promise<boolean>(() => signal.addEventListener('abort', () => { aborted = true; })),
      },
    });
    await s.toBuilding();
    await s.built(builtOk([pureWheel]));
    await s.sent();
    await s.bye();
    expect(aborted).toBe(true);
    expect(s.state().output).toEqual({ reason: 'bye', slaveId: SLAVE_ID, build: { package: 'foo', version: '1.0' } });
  });

  test('59: a slave silent for longer than its busy timeout is dropped within two sweeps; monitors see DIE null', async () => {
    const s = startSession();
    await s.toBuilding();
    await s.advance(BUSY_TIMEOUT_MS - 1000);
    await s.busy(); // any message starts the silence again
    await s.advance(BUSY_TIMEOUT_MS);
    expect(s.state().status).toBe('active');
    await s.advance(2 * 5000);
    expect(s.state().output).toEqual({ reason: 'expired', slaveId: SLAVE_ID, build: { package: 'foo', version: '1.0' } });
    expect(s.statuses[s.statuses.length - 1]).toEqual({ verb: 'SLAVE', data: [SLAVE_ID, at(BUSY_TIMEOUT_MS - 1000), 'DIE', null] });
    expect(s.logs[s.logs.length - 1]).toEqual({ level: 'warning', message: `slave ${SLAVE_ID} (pi4-slave): timed out while building foo 1.0` });
    expect(s.replyVerbs()).toEqual(['ACK', 'BUILD', 'CONT']);
  });

  test('59: the busy timeout is the one this slave sent in HELLO, and the sweep follows the input', async () => {
    const s = startSession({ input: { sweepMs: 1000 } });
    await s.hello(helloData({ busyTimeoutMs: 10_000 }));
    await s.advance(10_000);
    expect(s.state().status).toBe('active');
    await s.advance(1000);
    expect(s.state().output).toEqual({ reason: 'expired', slaveId: SLAVE_ID, build: null });
    expect(s.logs[s.logs.length - 1]!.message).toBe(`slave ${SLAVE_ID} (pi4-slave): timed out`);
  });

  test('a busy timeout far longer than a timer can wait (30 days) neither fires at once nor never', async () => {
    const HOUR = 3_600_000;
    const s = startSession({ input: { sweepMs: HOUR } });
    await s.hello(helloData({ busyTimeoutMs: 30 * 24 * HOUR }));
    await s.advance(30 * 24 * HOUR, HOUR);
    expect(s.state().status).toBe('active');
    await s.advance(2 * HOUR, HOUR);
    expect(s.state().output).toMatchObject({ reason: 'expired' });
  });

  test.each([
    [300_000, 5000, 5000, 61],
    [10_000, 5000, 5000, 3],
    [25_000, 10_000, 10_000, 4],
    [3000, 5000, 3000, 2],
    [0, 5000, 1, 1],
    [-5, 5000, 1, 1],
  ])('silenceWatch(%i ms, sweep %i) sweeps every %i ms and expires after %i silent sweeps', (timeout, sweep, period, count) => {
    expect(silenceWatch(timeout, sweep)).toEqual({ sweepMs: period, sweepsToExpire: count });
    // never early: even when the first sweep comes right after the last message, the silence exceeds the timeout
    expect((count - 1) * period).toBeGreaterThanOrEqual(timeout);
  });
});

describe('monitors', () => {
  test('69: every IDLE/BUSY gives STATS (at its arrival) before the status of the reply', async () => {
    const s = startSession();
    await s.hello();
    s.clock.increment(500);
    await s.idle();
    expect(s.statuses.slice(2)).toEqual([
      { verb: 'SLAVE', data: [SLAVE_ID, at(500), 'STATS', statsSamples(s.state().context.stats, 1)[0]!.stats] },
      { verb: 'SLAVE', data: [SLAVE_ID, at(500), 'SLEEP', false] },
    ]);
  });

  test(`71: REPLAY publishes HELLO, the last ${STATS_KEPT} stats and the last reply; nothing before HELLO`, async () => {
    const s = startSession();
    await s.send({ type: 'REPLAY' });
    expect(s.statuses).toEqual([]);
    await s.toBuilding();
    for (let i = 0; i < STATS_KEPT + 4; i++) {
      s.clock.increment(1000);
      await s.busy();
    }
    s.statuses.length = 0;
    await s.send({ type: 'REPLAY' });
    expect(s.statusVerbs()).toEqual(['HELLO', ...Array(STATS_KEPT).fill('STATS'), 'BUILD']);
    expect(s.statuses[0]!.data[1]).toEqual(at(0));
    // the oldest kept sample is the 6th of 105 (IDLE + 104 BUSY)
    expect(s.statuses[1]!.data[1]).toEqual(at(5000));
    expect(s.statuses[STATS_KEPT + 1]).toEqual({ verb: 'SLAVE', data: [SLAVE_ID, at((STATS_KEPT + 4) * 1000), 'BUILD', ['foo', '1.0']] });
  });
});

test('a machine run without its services fails loudly with PIW_ERR_NOT_PROVIDED', () => {
  const actor = createActor(slaveSessionMachine, { input: { peer: 'peer-1', pypiSimpleUrl: PYPI } });
  const errors: unknown[] = [];
  actor.subscribe({ error: (err) => errors.push(err) });
  actor.start();
  actor.send({ type: 'HELLO', data: helloData(), at: at(0) });
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ code: 'PIW_ERR_NOT_PROVIDED' });
  expect(String((errors[0] as Error).message)).toMatch(/slaveSession: "register" was not provided/);
});

test('the context stays under 20 fields (V8 gives an Object.assign copy of 20 or more slow properties: see types.ts)', async () => {
  const s = startSession();
  await s.toBuilding();
  expect(Object.keys(s.state().context).length).toBeLessThan(20);
});
