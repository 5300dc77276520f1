/** The importers' transfer slot: one holder at a time, waiters served in arrival order, no claim outlives its session. */
import { TransferSlot } from '../../../actors/mr-chase/transfer-slot.js';

const settled = async (p: Promise<unknown>) => {
  let state = 'pending';
  p.then(() => (state = 'resolved'), () => (state = 'rejected'));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return state;
};

test('the first claimant holds the slot; a holder claiming again keeps it', async () => {
  const slot = new TransferSlot();
  await slot.acquire('a');
  await slot.acquire('a');
  expect(slot.holder).toBe('a');
});

test('waiters get the slot in the order they asked, as each holder releases it', async () => {
  const slot = new TransferSlot();
  await slot.acquire('a');
  const b = slot.acquire('b');
  const c = slot.acquire('c');
  expect(slot.waiting).toBe(2);
  expect(await settled(b)).toBe('pending');
  slot.release('a');
  await b;
  expect(slot.holder).toBe('b');
  expect(await settled(c)).toBe('pending');
  slot.release('b');
  await c;
  expect(slot.holder).toBe('c');
  slot.release('c');
  expect(slot.holder).toBeUndefined();
});

test('releasing a slot one does not hold changes nothing', async () => {
  const slot = new TransferSlot();
  await slot.acquire('a');
  slot.release('z');
  expect(slot.holder).toBe('a');
});

test('a waiter whose session ends (release) or whose signal aborts stops waiting and is skipped', async () => {
  const slot = new TransferSlot();
  await slot.acquire('a');
  const gone = slot.acquire('gone');
  const abort = new AbortController();
  const aborted = slot.acquire('aborted', abort.signal);
  const last = slot.acquire('last');
  slot.release('gone');
  await expect(gone).rejects.toMatchObject({ code: 'PIW_ERR_MR_CHASE_SLOT_ABORTED' });
  abort.abort();
  await expect(aborted).rejects.toMatchObject({ code: 'PIW_ERR_MR_CHASE_SLOT_ABORTED' });
  expect(slot.waiting).toBe(1);
  slot.release('a');
  await last;
  expect(slot.holder).toBe('last');
});

test('a claim with an already aborted signal fails at once unless the slot is free', async () => {
  const slot = new TransferSlot();
  const abort = new AbortController();
  abort.abort();
  await slot.acquire('a', abort.signal);
  await expect(slot.acquire('b', abort.signal)).rejects.toMatchObject({ code: 'PIW_ERR_MR_CHASE_SLOT_ABORTED' });
  expect(slot.waiting).toBe(0);
});

test('a waiter whose turn does not come within maxWaitMs gives up (SLOT_BUSY) and is skipped when the slot is released', async () => {
  const slot = new TransferSlot();
  await slot.acquire('a');
  const late = slot.acquire('late', undefined, 20);
  const patient = slot.acquire('patient', undefined, 60_000);
  await expect(late).rejects.toMatchObject({
    code: 'PIW_ERR_MR_CHASE_SLOT_BUSY',
    message: 'another import was still transferring its files after 0.02 s; try again when it has finished',
  });
  expect(slot.waiting).toBe(1);
  slot.release('a');
  await patient;
  expect(slot.holder).toBe('patient');
  slot.release('patient');
  expect(slot.holder).toBeUndefined();
});
