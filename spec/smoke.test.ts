import { createActor, setup } from 'xstate';
test('xstate runs under jest ESM', () => {
  const m = setup({}).createMachine({ initial: 'a', states: { a: { on: { GO: 'b' } }, b: {} } });
  const a = createActor(m).start();
  a.send({ type: 'GO' });
  expect(a.getSnapshot().value).toBe('b');
});
test('zeromq and cbor-x load', async () => {
  const zmq = await import('zeromq');
  const { encode } = await import('cbor-x');
  expect(typeof zmq.Router).toBe('function');
  expect(Buffer.from(encode('SENT')).toString('hex')).toBe('6453454e54');
});
