import { Turns } from '../../../actors/scribe/turns.js';

test('next() lets one waiter on per turn of the event loop, oldest first', async () => {
  const turns = new Turns();
  const order: string[] = [];
  // a tick recorded once per turn of the loop, as long as the waiters wait
  let ticking = true;
  const tick = () => {
    order.push('turn');
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  await Promise.all(['a', 'b', 'c'].map((name) => turns.next().then(() => order.push(name))));
  ticking = false;
  const waiters = order.filter((x) => x !== 'turn');
  expect(waiters).toEqual(['a', 'b', 'c']);
  // never two in one turn: a turn passes between any two of them
  for (let i = 1; i < order.length; i++) expect([order[i - 1], order[i]].every((x) => x !== 'turn')).toBe(false);
});
