/** The slave's REQ connection to the slave queue against a scripted ROUTER (behaviours 182, 190, 191). */
import { encodeCbor } from '../../../../protocols/cbor/index.js';
import { SlaveConnection } from '../../../../actors/slave/client/connection.js';
import { ScriptedMaster } from './scripted-master.js';

let master: ScriptedMaster;
let connection: SlaveConnection;

beforeEach(async () => {
  master = await ScriptedMaster.start();
  connection = new SlaveConnection({ address: master.address });
});
afterEach(async () => {
  await connection.close();
  await master.close();
});

describe('SlaveConnection', () => {
  test('a request settles with the validated reply', async () => {
    const outcome = connection.request({ verb: 'SENT' });
    await master.reply(await master.request(1), { verb: 'DONE' });
    await expect(outcome).resolves.toEqual({ status: 'reply', reply: { verb: 'DONE' } });
  });

  test.each([
    ['not CBOR', Buffer.from([0xff, 0x00]), 'PIW_ERR_DESERIALIZE'],
    ['a verb the slave does not know', encodeCbor('HELLO'), 'PIW_ERR_UNKNOWN_MESSAGE'],
    ['data that fails the schema', encodeCbor(['BUILD', ['numpy']]), 'PIW_ERR_INVALID_DATA'],
  ])('behaviour 190: a reply that is %s fails the request with a protocol error', async (_what, bytes, code) => {
    const outcome = connection.request({ verb: 'SENT' });
    await master.reply(await master.request(1), bytes);
    const settled = await outcome;
    expect(settled.status).toBe('failed');
    expect((settled as { error: { code: string } }).error.code).toBe(code);
  });

  test('behaviour 191: restart abandons the request waiting on the old socket; the master sees a new peer', async () => {
    const outcome = connection.request({ verb: 'SENT' });
    const first = await master.request(1);
    await connection.restart();
    await expect(outcome).resolves.toEqual({ status: 'abandoned' });
    expect(connection.generation).toBe(2);
    const again = connection.request({ verb: 'SENT' });
    const second = await master.request(2);
    expect(second.peer.equals(first.peer)).toBe(false);
    await master.reply(second, { verb: 'DONE' });
    await expect(again).resolves.toEqual({ status: 'reply', reply: { verb: 'DONE' } });
  });

  test('BYE leaves on the same socket, after the reply to the request in flight', async () => {
    const outcome = connection.request({ verb: 'SENT' });
    const first = await master.request(1);
    const bye = connection.bye(10_000);
    await master.reply(first, { verb: 'DONE' });
    await expect(bye).resolves.toBe(true);
    await expect(outcome).resolves.toEqual({ status: 'reply', reply: { verb: 'DONE' } });
    const said = await master.request(2);
    expect(said.msg).toEqual({ verb: 'BYE' });
    expect(said.peer.equals(first.peer)).toBe(true);
  });

  test('BYE gives up on a silent master after its wait, and close() ends the request still waiting', async () => {
    const outcome = connection.request({ verb: 'SENT' });
    await master.request(1);
    await expect(connection.bye(50)).resolves.toBe(false);
    await connection.close();
    await expect(outcome).resolves.toEqual({ status: 'abandoned' });
  });
});
