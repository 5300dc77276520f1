/**
 * Mr Chase as a task and a socket owner: the import socket is the master user's only (0600); garbage is
 * logged and never answered (behaviour 85); paused, requests wait for RESUME (behaviour 17); a tool that
 * vanishes mid-import is given up and its transfer slot freed; stopping releases the socket for a restart.
 */
import { execFileSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createActor, toPromise, waitFor } from 'xstate';
import * as zmq from 'zeromq';
import { MrChase, mrChaseTask } from '../../../actors/mr-chase/index.js';
import { createBus } from '../../../actors/runtime/bus.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { queues } from '../../../actors/runtime/queues.js';
import { supervisorMachine } from '../../../actors/runtime/supervisor.js';
import { createRequestClient } from '../../../actors/zmq/request.js';
import { importerProtocol } from '../../../protocols/mr-chase.js';
import { encodeCbor } from '../../../protocols/cbor/index.js';
import { eventually, tempDir } from '../zmq/support.js';
import { sendFile } from '../../../actors/file-sender/index.js';
import { ask, importBuild, importOf } from './support.js';
import { writeWheel } from './wheels.js';
import { postgresBackend } from './backend.js';
import { startWorld, type World } from './world.js';

const backend = postgresBackend();

describe('with a master', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  test('the import socket file is readable and writable by the master\'s user only', async () => {
    world = await startWorld(backend.get());
    const info = await stat(world.address.slice('ipc://'.length));
    expect(info.isSocket()).toBe(true);
    expect(info.mode & 0o777).toBe(0o600);
  });

  test('behaviour 85: undecodable, malformed and unknown requests are logged and never answered', async () => {
    world = await startWorld(backend.get());
    const dealer = new zmq.Dealer({ linger: 0 });
    dealer.connect(world.address);
    try {
      const empty = Buffer.alloc(0);
      await dealer.send([empty, Buffer.from([0xff, 0x00, 0x13])]); // not CBOR
      await dealer.send([empty, encodeCbor(['IMPORT', 'not a build'])]);
      await dealer.send([empty, encodeCbor('HELLO')]);
      await dealer.send([empty, encodeCbor(['REMOVE', ['foo', null]])]);
      await dealer.send([empty, importerProtocol.encode({ verb: 'REBUILD', data: ['HOME'] })]);
      // The one answer is to the only valid request: nothing before it was answered.
      const [delimiter, payload] = await dealer.receive();
      expect(delimiter!.length).toBe(0);
      expect(importerProtocol.decode(payload!)).toEqual({ verb: 'DONE' });
      const errors = world.log.entries.filter((e) => e.level === 'error' && e.name === 'master.mr_chase').map((e) => e.message);
      expect(errors).toHaveLength(4);
      expect(errors[0]).toMatch(/^unable to deserialize data/);
      expect(errors[1]).toMatch(/^invalid data for IMPORT/);
      expect(errors[2]).toMatch(/^unknown message: HELLO/);
      expect(errors[3]).toMatch(/^invalid data for REMOVE/);
      expect(world.events).toEqual(['stats HOME']);
    } finally {
      dealer.close();
    }
  });

  test('a tool that goes quiet in the middle of an import is given up, and the next import gets the transfer slot', async () => {
    world = await startWorld(backend.get(), { chase: { clientTimeoutMs: 200 } });
    await world.seed({ abis: ['cp311'], versions: [['foo', '1.0']] });
    const dir = await tempDir();
    const quiet = world.client();
    const next = world.client();
    try {
      const w = await writeWheel(dir.path, 'foo-1.0-py3-none-any.whl');
      expect(await ask(quiet, { verb: 'IMPORT', data: importOf([w.state]) })).toBe(`SEND ${w.filename}`);
      await eventually(() => world.log.entries.some((e) => e.message.endsWith('gave up on an import (no SENT)')));
      expect(world.chase.sessions).toBe(0);
      expect(world.chase.transferSlot).toMatchObject({ holder: undefined, waiting: 0 });
      expect(await importBuild(world, next, importOf([w.state]), { [w.filename]: w.path })).toEqual([`SEND ${w.filename}`, 'DONE']);
    } finally {
      await quiet.close();
      await next.close();
      await dir.remove();
    }
  });

  test('an import that waits too long for the transfer slot is refused; one whose tool gave up never takes the slot', async () => {
    world = await startWorld(backend.get(), { chase: { slotWaitMs: 300 } });
    await world.seed({ abis: ['cp311'], versions: [['foo', '1.0'], ['bar', '2.0']] });
    const dir = await tempDir();
    const holder = world.client();
    const impatient = world.client(100);
    const patient = world.client();
    try {
      const a = await writeWheel(dir.path, 'foo-1.0-py3-none-any.whl');
      const b = await writeWheel(dir.path, 'bar-2.0-py3-none-any.whl');
      const importB = importOf([b.state], { pkg: 'bar', version: '2.0' });
      expect(await ask(holder, { verb: 'IMPORT', data: importOf([a.state]) })).toBe(`SEND ${a.filename}`);
      // a tool that gives up waiting for its turn: its session stops waiting too
      await expect(ask(impatient, { verb: 'IMPORT', data: importB })).rejects.toMatchObject({ code: 'PIW_ERR_ZMQ_TIMEOUT' });
      await eventually(() => world.chase.sessions === 1);
      expect(world.chase.transferSlot.waiting).toBe(0);
      // a tool still waiting is told why
      const busy = 'ERROR another import was still transferring its files after 0.3 s; try again when it has finished';
      expect(await ask(patient, { verb: 'IMPORT', data: importB })).toBe(busy);
      // the holder finishes, and nobody gone holds the slot after it
      await sendFile({ address: world.fileQueue, slaveId: 0, path: a.path });
      expect(await ask(holder, { verb: 'SENT' })).toBe('DONE');
      expect(world.chase.transferSlot).toMatchObject({ holder: undefined, waiting: 0 });
      expect(world.chase.sessions).toBe(0);
      expect(await importBuild(world, patient, importB, { [b.filename]: b.path })).toEqual([`SEND ${b.filename}`, 'DONE']);
      expect((await world.builds()).map((row) => row.build)).toEqual(['foo 1.0 cp311 true 0', 'bar 2.0 cp311 true 0']);
    } finally {
      await holder.close();
      await impatient.close();
      await patient.close();
      await dir.remove();
    }
  });

  test('a request while the database is not served is refused with the reason; Mr Chase carries on', async () => {
    world = await startWorld(backend.get());
    const client = world.client();
    try {
      await world.seed({ packages: ['foo'] });
      const bus = createBus();
      const chase = await MrChase.start({ bus, log: memoryLogger('lonely'), address: `${world.address}-2` });
      const lonely = createRequestClient({
        protocol: importerProtocol,
        address: `${world.address}-2`,
        timeoutMs: 30_000,
      });
      try {
        expect(await ask(lonely, { verb: 'REBUILD', data: ['PROJECT', 'foo'] })).toBe('ERROR no server on queue db');
        expect(await ask(lonely, { verb: 'REBUILD', data: ['HOME'] })).toBe('DONE');
      } finally {
        await lonely.close();
        await chase.stop();
        bus.close();
      }
      expect(await ask(client, { verb: 'REBUILD', data: ['PROJECT', 'foo'] })).toBe('DONE');
    } finally {
      await client.close();
    }
  });
});

describe('the task', () => {
  test('behaviour 17: paused, requests wait in order until RESUME; QUIT stops it and frees the socket', async () => {
    const dir = await tempDir();
    const address = `ipc://${dir.path}/import`;
    const bus = createBus();
    const log = memoryLogger('master');
    const homes: string[] = [];
    bus.listen(queues.stats, (msg) => void homes.push(msg.verb));
    // a stale socket file from a master that died (bound, nobody listening any more)
    execFileSync('/usr/bin/python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', `${dir.path}/import`]);
    const root = createActor(supervisorMachine, {
      input: { log, tasks: [{ id: 'mr_chase', logic: mrChaseTask, input: { bus, address, log: log.child('mr_chase') } }] },
    });
    root.start();
    await waitFor(root, (s) => s.matches('running'));
    const client = createRequestClient({ protocol: importerProtocol, address, timeoutMs: 30_000 });
    const other = createRequestClient({ protocol: importerProtocol, address, timeoutMs: 30_000 });
    try {
      expect(log.entries.map((e) => e.message)).toContain(`listening for imports on ${address}`);
      expect(await ask(client, { verb: 'REBUILD', data: ['HOME'] })).toBe('DONE');
      root.send({ type: 'PAUSE' });
      await eventually(() => log.entries.some((e) => e.name === 'master.mr_chase' && e.message === 'paused'));
      const first = ask(client, { verb: 'REBUILD', data: ['HOME'] });
      await eventually(() => log.entries.some((e) => e.message === 'paused: requests wait until resumed'));
      const second = ask(other, { verb: 'SENT' });
      expect(homes).toEqual(['HOME']);
      root.send({ type: 'RESUME' });
      expect(await first).toBe('DONE');
      expect(await second).toBe('ERROR protocol violation');
      expect(homes).toEqual(['HOME', 'HOME']);
    } finally {
      await client.close();
      await other.close();
      root.send({ type: 'QUIT' });
      await toPromise(root);
    }
    // the socket is free for a new Mr Chase
    const again = await MrChase.start({ bus, log, address });
    const client2 = createRequestClient({ protocol: importerProtocol, address, timeoutMs: 30_000 });
    try {
      expect(await ask(client2, { verb: 'REBUILD', data: ['SEARCH'] })).toBe('DONE');
    } finally {
      await client2.close();
      await again.stop();
      bus.close();
      await dir.remove();
    }
  });
});
