/**
 * The monitor client against a real master (in this process, on the test PostgreSQL, its status and
 * control queues on ipc in a temp dir) and slaves speaking the slave protocol over REQ sockets: it waits
 * for a master that is not there yet, asks for the replay by itself, folds what it hears into the farm
 * model, sends control verbs the master carries out, and notices the master leaving and a new one coming.
 */
import path from 'node:path';
import { waitFor as waitForSnapshot } from 'xstate';
import { defaultConfig, Master, type MasterConfig } from '../../../actors/master/index.js';
import { createMonitorClient, MonitorError, type MonitorClient } from '../../../actors/monitor/index.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { linkState, masterState, slaveState, type FarmContext } from '../../../machines/farm/index.js';
import { ProtocolError } from '../../../protocols/errors.js';
import { createServerDatabase, type ServerDatabase } from '../../support/postgres.js';
import { tempDir } from '../master/support/world.js';
import { TestSlave } from '../slave-driver/support/harness.js';

let database: ServerDatabase;
let dir: Awaited<ReturnType<typeof tempDir>>;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  database = await createServerDatabase('current');
});
afterAll(async () => {
  await database.drop();
});
beforeEach(async () => {
  dir = await tempDir('piw-monitor-client-');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  await dir.remove();
});

const ipc = (name: string) => `ipc://${path.join(dir.path, name)}`;

function config(): MasterConfig {
  return {
    ...defaultConfig(),
    dsn: database.masterDsn,
    outputPath: path.join(dir.path, 'www'),
    pypiXmlrpc: 'http://127.0.0.1:9/pypi',
    pypiJson: 'http://127.0.0.1:9/pypi',
    queues: { status: ipc('status'), control: ipc('control'), import: ipc('import'), log: ipc('log'), slave: 'tcp://127.0.0.1:*', file: 'tcp://127.0.0.1:*' },
  };
}

async function startMaster() {
  const log = memoryLogger('master', 'debug');
  const master = new Master({ config: config(), log });
  await master.start();
  cleanups.push(async () => {
    master.quit('test over');
    await master.done;
  });
  return { master, warnings: () => log.entries.filter((e) => e.name === 'master' && e.level === 'warning').map((e) => e.message) };
}

function client(): MonitorClient {
  const c = createMonitorClient({ statusQueue: ipc('status'), controlQueue: ipc('control'), log: memoryLogger('monitor'), tickMs: 100 });
  cleanups.push(() => c.close());
  return c;
}

function slaveOf(master: Master): TestSlave {
  const s = new TestSlave(master.endpoints.slave!);
  cleanups.push(() => s.close());
  return s;
}

const until = (c: MonitorClient, test: (ctx: FarmContext, snap: ReturnType<MonitorClient['farm']['getSnapshot']>) => boolean) =>
  waitForSnapshot(c.farm, (snap) => test(snap.context, snap), { timeout: 30_000 });

test('waits for a master that is not there, refuses to send it orders, then follows it once it comes', async () => {
  const c = client();
  expect(linkState(c.farm.getSnapshot())).toBe('absent');
  await expect(c.pause()).rejects.toMatchObject({ code: 'PIW_ERR_MONITOR_NO_MASTER' });
  await expect(c.pause()).rejects.toBeInstanceOf(MonitorError);
  const m = await startMaster();
  // no HELLO of ours was needed: the client asks once connected, and the master replays
  const snap = await until(c, (ctx) => ctx.master.facts !== null);
  expect(linkState(snap)).toBe('live');
  expect(m.warnings()).toContain('sending status to new monitor');
  await until(c, (ctx) => ctx.master.stats !== null);
});

test('a slave appears, pause and resume reach the master, kill reaches the slave as DIE', async () => {
  const m = await startMaster();
  const c = client();
  await until(c, (ctx) => ctx.master.facts !== null);
  const s = slaveOf(m.master);
  const ack = await s.hello({ abi: 'cp311' });
  expect(ack.verb).toBe('ACK');
  const id = (ack.data as [number, string])[0];
  expect((await s.idle()).verb).toBe('SLEEP');
  let snap = await until(c, (ctx) => ctx.slaves.get(id)?.lastReply?.verb === 'SLEEP');
  expect(snap.context.slaves.get(id)).toMatchObject({ facts: { label: 'pi4-slave', abi: 'cp311' }, activity: 'idle' });

  await c.pause();
  expect(masterState(c.farm.getSnapshot())).toBe('paused');
  await until(c, () => m.warnings().includes('sleeping all slaves and master'));
  expect(await s.idle()).toEqual({ verb: 'SLEEP', data: true });
  await c.resume();
  await until(c, () => m.warnings().includes('waking all slaves and master'));
  expect(masterState(c.farm.getSnapshot())).toBe('running');

  await c.kill(id);
  expect(c.farm.getSnapshot().context.slaves.get(id)?.killRequested).toBe(true);
  await until(c, () => m.warnings().includes(`killing slave ${id}`));
  expect((await s.idle()).verb).toBe('DIE');
  snap = await until(c, (ctx) => ctx.slaves.get(id)?.ended === 'killed');
  expect(slaveState(snap.context.slaves.get(id)!, snap.context.now)).toBe('killed');
});

test('every control message is validated before it is sent', async () => {
  await startMaster();
  const c = client();
  await until(c, (ctx) => ctx.master.facts !== null);
  await expect(c.kill(1.5)).rejects.toBeInstanceOf(ProtocolError);
  await expect(c.send({ verb: 'NOPE' } as never)).rejects.toMatchObject({ code: 'PIW_ERR_UNKNOWN_MESSAGE' });
});

test('quit stops the master; the client waits for the next one and recognises the restart', async () => {
  const first = await startMaster();
  const c = client();
  const seen = await until(c, (ctx) => ctx.master.facts !== null);
  const started = seen.context.master.facts!.started;
  await c.quit();
  expect(masterState(c.farm.getSnapshot())).toBe('quitting');
  await first.master.done;
  await until(c, (_ctx, snap) => linkState(snap) === 'absent');
  await new Promise((r) => setTimeout(r, 20)); // a new start time, to the millisecond
  const second = await startMaster();
  const snap = await until(c, (ctx) => ctx.master.restarts === 1);
  expect(snap.context.master.previousStarted).toBe(started);
  expect(masterState(snap)).toBe('running');
  expect(second.warnings()).toContain('sending status to new monitor');
});
