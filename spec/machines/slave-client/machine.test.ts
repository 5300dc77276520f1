import { createActor } from 'xstate';
import { TimeDelta } from '../../../protocols/index.js';
import { MASTER_SILENT, slaveClientMachine } from '../../../machines/slave-client/index.js';
import { BUSY_TIMEOUT_MS, builtFailed, builtOk, helloData, pureWheel } from '../support/slave-fixtures.js';
import { CONT_WAIT_MS, SLEEP_PAUSE_MS, STATS, startClient } from './harness.js';

const INDEX = 'http://index.example/simple';

describe('greeting', () => {
  test('182: on start the slave sends HELLO with its build and master timeouts', async () => {
    const hello = helloData();
    const c = startClient({ hello });
    await c.start();
    expect(c.sent).toEqual([{ verb: 'HELLO', data: hello }]);
    expect(c.state().value).toEqual({ active: 'greeting' });
  });

  test('183: ACK stores the id and index URL, then IDLE with the machine statistics', async () => {
    const c = startClient();
    await c.start();
    await c.reply({ type: 'ACK', data: [7, INDEX] });
    expect(c.state().context).toMatchObject({ slaveId: 7, indexUrl: INDEX });
    expect(c.sent[1]).toEqual({ verb: 'IDLE', data: STATS });
  });

  test('183, 192: a second ACK is fatal: BYE and a protocol-error outcome, no throw', async () => {
    const c = startClient();
    await c.start();
    await c.reply({ type: 'ACK', data: [7, INDEX] });
    await c.reply({ type: 'ACK', data: [8, INDEX] });
    expect(c.verbs()).toEqual(['HELLO', 'IDLE', 'BYE']);
    expect(c.state().output).toEqual({ reason: 'protocol-error', message: 'unexpected ACK reply' });
    expect(c.errorLogs()).toEqual(['Protocol error: unexpected ACK reply']);
  });

  test('192: any reply but ACK to HELLO is fatal', async () => {
    const c = startClient();
    await c.start();
    await c.reply({ type: 'BUILD', data: ['foo', '1.0'] });
    expect(c.verbs()).toEqual(['HELLO', 'BYE']);
    expect(c.state().output).toEqual({ reason: 'protocol-error', message: 'unexpected BUILD reply before ACK' });
  });

  test('statistics that cannot be read end the conversation (outcome failed) with BYE', async () => {
    const c = startClient({ services: { collectStats: async () => { throw new Error('statvfs: no such directory'); } } });
    await c.start();
    await c.reply({ type: 'ACK', data: [7, INDEX] });
    expect(c.verbs()).toEqual(['HELLO', 'BYE']);
    expect(c.state().output).toEqual({ reason: 'failed', message: 'cannot read statistics: statvfs: no such directory' });
  });
});

describe('idle', () => {
  test('184: SLEEP waits the injected pause, then IDLE again', async () => {
    const c = startClient();
    await c.start();
    await c.reply({ type: 'ACK', data: [7, INDEX] });
    await c.reply({ type: 'SLEEP', data: false });
    await c.advance(SLEEP_PAUSE_MS - 1);
    expect(c.verbs()).toEqual(['HELLO', 'IDLE']);
    await c.advance(1);
    expect(c.verbs()).toEqual(['HELLO', 'IDLE', 'IDLE']);
  });

  test('184: the pause is asked for afresh each time (0.18 drew a new random 5–10 s)', async () => {
    const pauses = [5000, 9000];
    const c = startClient({ services: { sleepPauseMs: () => pauses.shift()! } });
    await c.start();
    await c.reply({ type: 'ACK', data: [7, INDEX] });
    await c.reply({ type: 'SLEEP', data: true });
    await c.advance(5000);
    await c.reply({ type: 'SLEEP', data: true });
    await c.advance(8999);
    expect(c.verbs()).toEqual(['HELLO', 'IDLE', 'IDLE']);
    await c.advance(1);
    expect(c.verbs()).toEqual(['HELLO', 'IDLE', 'IDLE', 'IDLE']);
  });

  test('192: CONT in answer to IDLE is fatal', async () => {
    const c = startClient();
    await c.start();
    await c.reply({ type: 'ACK', data: [7, INDEX] });
    await c.reply({ type: 'CONT', data: undefined });
    expect(c.state().output).toEqual({ reason: 'protocol-error', message: 'unexpected CONT reply' });
    expect(c.last()).toEqual({ verb: 'BYE' });
  });
});

describe('building', () => {
  test('185: BUILD starts the build with the index URL and build timeout, then BUSY', async () => {
    const c = startClient();
    await c.toBuilding();
    expect(c.builds.map((b) => b.input)).toEqual([
      { package: 'foo', version: '1.0', indexUrl: INDEX, buildTimeout: TimeDelta.fromSeconds(3 * 3600) },
    ]);
    expect(c.last()).toEqual({ verb: 'BUSY', data: STATS });
  });

  test('186: CONT while the build runs waits the injected time, then BUSY', async () => {
    const c = startClient();
    await c.toBuilding();
    await c.reply({ type: 'CONT', data: undefined });
    await c.advance(CONT_WAIT_MS - 1);
    expect(c.verbs()).toEqual(['HELLO', 'IDLE', 'BUSY']);
    await c.advance(1);
    expect(c.verbs()).toEqual(['HELLO', 'IDLE', 'BUSY', 'BUSY']);
  });

  test('186: a build that finishes during the CONT wait is reported as BUILT at once', async () => {
    const c = startClient();
    await c.toBuilding();
    await c.reply({ type: 'CONT', data: undefined });
    await c.advance(1000);
    c.builds[0]!.resolve(builtOk([pureWheel]));
    await c.settle();
    expect(c.last()).toEqual({ verb: 'BUILT', data: builtOk([pureWheel]) });
    await c.advance(CONT_WAIT_MS);
    expect(c.verbs().filter((v) => v === 'BUSY')).toHaveLength(1);
  });

  test('186: a build that finished before CONT is reported as BUILT on CONT', async () => {
    const c = startClient();
    await c.toBuilding();
    c.builds[0]!.resolve(builtFailed());
    await c.settle();
    expect(c.last()!.verb).toBe('BUSY');
    await c.reply({ type: 'CONT', data: undefined });
    expect(c.last()).toEqual({ verb: 'BUILT', data: builtFailed() });
  });

  test('195: a build actor that breaks is reported as a failed build whose output says why', async () => {
    const c = startClient();
    await c.toBuilding();
    c.builds[0]!.reject(new Error('spawn pip3 ENOENT'));
    await c.reply({ type: 'CONT', data: undefined });
    expect(c.last()).toEqual({ verb: 'BUILT', data: [false, new TimeDelta(), 'build failed: spawn pip3 ENOENT', []] });
  });

  test('188: DONE during a build (skipped) stops it, cleans up its files, then IDLE', async () => {
    const c = startClient();
    await c.toBuilding();
    await c.reply({ type: 'DONE', data: undefined });
    expect(c.builds[0]!.aborted).toBe(true);
    expect(c.cleanups.map((w) => w.input)).toEqual([{ job: { package: 'foo', version: '1.0' } }]);
    expect(c.last()).toEqual({ verb: 'IDLE', data: STATS });
    expect(c.state().context).toMatchObject({ job: null, result: null });
  });

  test('188: DONE after a failed BUILT cleans up, then IDLE', async () => {
    const c = startClient();
    await c.toBuilding();
    c.builds[0]!.resolve(builtFailed());
    await c.reply({ type: 'CONT', data: undefined });
    await c.reply({ type: 'DONE', data: undefined });
    expect(c.cleanups).toHaveLength(1);
    expect(c.verbs().slice(-2)).toEqual(['BUILT', 'IDLE']);
  });

  test('189: a build that will not stop ends the conversation (outcome stuck) with BYE', async () => {
    const c = startClient({ autoCleanup: false });
    await c.toBuilding();
    await c.reply({ type: 'DONE', data: undefined });
    c.cleanups[0]!.reject(new Error('pip still running after 60 s'));
    await c.settle();
    expect(c.last()).toEqual({ verb: 'BYE' });
    expect(c.state().output).toEqual({ reason: 'stuck', message: 'build would not stop: pip still running after 60 s' });
  });

  test('192: BUILD while building is fatal, and the build is stopped and cleaned up first', async () => {
    const c = startClient();
    await c.toBuilding();
    await c.reply({ type: 'BUILD', data: ['bar', '2.0'] });
    expect(c.builds[0]!.aborted).toBe(true);
    expect(c.cleanups.map((w) => w.input)).toEqual([{ job: { package: 'foo', version: '1.0' } }]);
    expect(c.state().output).toEqual({ reason: 'protocol-error', message: 'unexpected BUILD reply' });
  });
});

describe('sending', () => {
  async function built() {
    const c = startClient();
    await c.toBuilding();
    c.builds[0]!.resolve(builtOk());
    await c.reply({ type: 'CONT', data: undefined });
    return c;
  }

  test('187: SEND transfers the named wheel, then SENT; a repeated SEND transfers again; DONE cleans up', async () => {
    const c = await built();
    await c.reply({ type: 'SEND', data: pureWheel[0] });
    expect(c.transfers.map((t) => t.input)).toEqual([{ slaveId: 7, filename: pureWheel[0], package: 'foo', version: '1.0' }]);
    expect(c.last()!.verb).toBe('BUILT');
    c.transfers[0]!.resolve();
    await c.settle();
    expect(c.last()).toEqual({ verb: 'SENT' });
    await c.reply({ type: 'SEND', data: pureWheel[0] });
    expect(c.transfers).toHaveLength(2);
    c.transfers[1]!.resolve();
    await c.settle();
    await c.reply({ type: 'DONE', data: undefined });
    expect(c.verbs().slice(-3)).toEqual(['SENT', 'SENT', 'IDLE']);
    expect(c.cleanups).toHaveLength(1);
  });

  test('a failed transfer still answers SENT (the master verifies and decides) and is logged', async () => {
    const c = await built();
    await c.reply({ type: 'SEND', data: pureWheel[0] });
    c.transfers[0]!.reject(new Error('master closed the file queue'));
    await c.settle();
    expect(c.last()).toEqual({ verb: 'SENT' });
    expect(c.errorLogs()).toEqual([`Transfer of ${pureWheel[0]} failed: master closed the file queue`]);
  });

  test('a transfer the master never answered: no SENT; the build is cleaned up and the slave starts over with HELLO at once', async () => {
    const c = await built();
    await c.reply({ type: 'SEND', data: pureWheel[0] });
    c.transfers[0]!.reject(Object.assign(new Error('transfer to the master as slave 7: master fell silent: timed out'), { code: MASTER_SILENT }));
    await c.settle();
    expect(c.verbs()).toEqual(['HELLO', 'IDLE', 'BUSY', 'BUILT', 'HELLO']);
    expect(c.cleanups.map((w) => w.input)).toEqual([{ job: { package: 'foo', version: '1.0' } }]);
    expect(c.reconnects()).toBe(1);
    expect(c.state().context).toMatchObject({ slaveId: null, indexUrl: null, job: null, result: null, filename: null });
    expect(c.logs).toContainEqual({
      level: 'warning',
      message: `Transfer of ${pureWheel[0]} failed: transfer to the master as slave 7: master fell silent: timed out; the master has gone, starting over`,
    });
    expect(c.errorLogs()).toEqual([]);
    // the new master's ACK is a first ACK
    await c.reply({ type: 'ACK', data: [1, INDEX] });
    expect(c.last()).toEqual({ verb: 'IDLE', data: STATS });
  });

  test('STOP while starting over after a silent transfer finishes the clean-up, then BYE (no reconnect)', async () => {
    const c = startClient({ autoCleanup: false });
    await c.toBuilding();
    c.builds[0]!.resolve(builtOk());
    await c.reply({ type: 'CONT', data: undefined });
    await c.reply({ type: 'SEND', data: pureWheel[0] });
    c.transfers[0]!.reject(Object.assign(new Error('silent'), { code: MASTER_SILENT }));
    await c.settle();
    await c.reply({ type: 'STOP' });
    c.cleanups[0]!.resolve();
    await c.settle();
    expect(c.reconnects()).toBe(0);
    expect(c.verbs().slice(-2)).toEqual(['BUILT', 'BYE']);
    expect(c.state().output).toEqual({ reason: 'stopped' });
  });

  test('192: SEND of a file this build did not make is fatal', async () => {
    const c = await built();
    await c.reply({ type: 'SEND', data: '../etc/passwd' });
    expect(c.transfers).toEqual([]);
    expect(c.state().output).toEqual({ reason: 'protocol-error', message: 'SEND for "../etc/passwd", not a file of this build' });
  });

  test('192: DONE while a file is still being transferred (no request outstanding) is fatal', async () => {
    const c = await built();
    await c.reply({ type: 'SEND', data: pureWheel[0] });
    await c.reply({ type: 'DONE', data: undefined });
    expect(c.transfers[0]!.aborted).toBe(true);
    expect(c.state().output).toEqual({ reason: 'protocol-error', message: 'unexpected DONE reply' });
  });

  test('192: SEND after a failed build is fatal', async () => {
    const c = startClient();
    await c.toBuilding();
    c.builds[0]!.resolve([false, TimeDelta.fromSeconds(1), 'failed', [pureWheel]]);
    await c.reply({ type: 'CONT', data: undefined });
    await c.reply({ type: 'SEND', data: pureWheel[0] });
    expect(c.state().output).toMatchObject({ reason: 'protocol-error' });
  });
});

describe('leaving', () => {
  test('190: DIE cleans up, says BYE and ends dismissed', async () => {
    const c = startClient();
    await c.start();
    await c.reply({ type: 'ACK', data: [7, INDEX] });
    await c.reply({ type: 'DIE', data: undefined });
    expect(c.cleanups.map((w) => w.input)).toEqual([{ job: null }]);
    expect(c.verbs()).toEqual(['HELLO', 'IDLE', 'BYE']);
    expect(c.state().output).toEqual({ reason: 'dismissed' });
  });

  test('190: STOP (SIGTERM) mid-build stops the build, cleans up, says BYE and ends stopped', async () => {
    const c = startClient();
    await c.toBuilding();
    await c.reply({ type: 'STOP' });
    expect(c.builds[0]!.aborted).toBe(true);
    expect(c.cleanups.map((w) => w.input)).toEqual([{ job: { package: 'foo', version: '1.0' } }]);
    expect(c.last()).toEqual({ verb: 'BYE' });
    expect(c.state().output).toEqual({ reason: 'stopped' });
  });

  test('190: STOP during a clean-up lets it finish, then BYE', async () => {
    const c = startClient({ autoCleanup: false });
    await c.toBuilding();
    await c.reply({ type: 'DONE', data: undefined });
    await c.reply({ type: 'STOP' });
    expect(c.cleanups).toHaveLength(1);
    expect(c.cleanups[0]!.aborted).toBe(false);
    c.cleanups[0]!.resolve();
    await c.settle();
    expect(c.verbs().slice(-1)).toEqual(['BYE']);
    expect(c.state().output).toEqual({ reason: 'stopped' });
  });

  test('190: an invalid reply is fatal like an unexpected one', async () => {
    const c = startClient();
    await c.start();
    await c.reply({ type: 'BAD_REPLY', error: new Error('invalid data for ACK: 1: Invalid type') });
    expect(c.state().output).toEqual({ reason: 'protocol-error', message: 'invalid reply: invalid data for ACK: 1: Invalid type' });
    expect(c.last()).toEqual({ verb: 'BYE' });
  });

  test('189: a build that will not stop while leaving is logged; the slave still says BYE', async () => {
    const c = startClient({ autoCleanup: false });
    await c.toBuilding();
    await c.reply({ type: 'DIE', data: undefined });
    c.cleanups[0]!.reject(new Error('still running'));
    await c.settle();
    expect(c.last()).toEqual({ verb: 'BYE' });
    expect(c.state().output).toEqual({ reason: 'dismissed' });
    expect(c.errorLogs()).toEqual(['Build would not stop: still running']);
  });

  test('messages after the end are ignored', async () => {
    const c = startClient();
    await c.start();
    await c.reply({ type: 'DIE', data: undefined });
    await c.reply({ type: 'ACK', data: [7, INDEX] });
    expect(c.verbs()).toEqual(['HELLO', 'BYE']);
    expect(c.state().status).toBe('done');
  });
});

describe('master timeout (191)', () => {
  test('no reply within master_timeout: kill the build, clean up, reconnect, HELLO as a new slave', async () => {
    const c = startClient();
    await c.toBuilding();
    await c.advance(BUSY_TIMEOUT_MS - 1);
    expect(c.reconnects()).toBe(0);
    await c.advance(1);
    expect(c.logs).toContainEqual({ level: 'warning', message: 'Timed out waiting for master' });
    expect(c.builds[0]!.aborted).toBe(true);
    expect(c.cleanups.map((w) => w.input)).toEqual([{ job: { package: 'foo', version: '1.0' } }]);
    expect(c.reconnects()).toBe(1);
    expect(c.verbs()).toEqual(['HELLO', 'IDLE', 'BUSY', 'HELLO']);
    expect(c.state().context).toMatchObject({ slaveId: null, indexUrl: null, job: null });
    // the new master's ACK is a first ACK, not a second one
    await c.reply({ type: 'ACK', data: [1, INDEX] });
    expect(c.last()).toEqual({ verb: 'IDLE', data: STATS });
    expect(c.state().context.slaveId).toBe(1);
  });

  test('an unanswered HELLO is retried the same way', async () => {
    const c = startClient();
    await c.start();
    await c.advance(BUSY_TIMEOUT_MS);
    expect(c.verbs()).toEqual(['HELLO', 'HELLO']);
    expect(c.reconnects()).toBe(1);
  });

  test.each(['IDLE', 'BUILT', 'SENT'] as const)('an unanswered %s starts over too', async (verb) => {
    const c = startClient();
    await c.toBuilding();
    if (verb === 'IDLE') {
      await c.reply({ type: 'DONE', data: undefined });
    } else {
      c.builds[0]!.resolve(builtOk());
      await c.reply({ type: 'CONT', data: undefined });
      if (verb === 'SENT') {
        await c.reply({ type: 'SEND', data: pureWheel[0] });
        c.transfers[0]!.resolve();
        await c.settle();
      }
    }
    expect(c.last()!.verb).toBe(verb);
    await c.advance(BUSY_TIMEOUT_MS);
    expect(c.last()).toEqual({ verb: 'HELLO', data: helloData() });
    expect(c.reconnects()).toBe(1);
  });

  test('the master timeout is the one this slave announced in HELLO', async () => {
    const c = startClient({ hello: helloData({ busyTimeoutMs: 20_000 }) });
    await c.start();
    await c.advance(20_000);
    expect(c.reconnects()).toBe(1);
  });

  test('STOP while starting over finishes the clean-up, then BYE', async () => {
    const c = startClient({ autoCleanup: false });
    await c.toBuilding();
    await c.advance(BUSY_TIMEOUT_MS);
    await c.reply({ type: 'STOP' });
    c.cleanups[0]!.resolve();
    await c.settle();
    expect(c.reconnects()).toBe(0);
    expect(c.verbs().slice(-1)).toEqual(['BYE']);
    expect(c.state().output).toEqual({ reason: 'stopped' });
  });

  test('189: a build that will not stop when starting over ends the conversation (stuck)', async () => {
    const c = startClient({ autoCleanup: false });
    await c.toBuilding();
    await c.advance(BUSY_TIMEOUT_MS);
    c.cleanups[0]!.reject(new Error('still running'));
    await c.settle();
    expect(c.state().output).toEqual({ reason: 'stuck', message: 'build would not stop: still running' });
    expect(c.reconnects()).toBe(0);
  });
});

test('a machine run without its services fails loudly with PIW_ERR_NOT_PROVIDED', () => {
  const actor = createActor(slaveClientMachine, { input: { hello: helloData() } });
  const errors: unknown[] = [];
  actor.subscribe({ error: (err) => errors.push(err) });
  actor.start();
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ code: 'PIW_ERR_NOT_PROVIDED' });
  expect(String((errors[0] as Error).message)).toMatch(/slaveClient: "send" was not provided/);
});
