/**
 * Issue 11: faults of the master's peers are logged without letting a flood fill the log: the first few
 * of each window as they come, then counts per peer and kind in one line per peer at the window's end; a
 * peer past its budget is shed (its messages dropped unread) until the window ends.
 */
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { FaultLog } from '../../../actors/zmq/fault-log.js';

function setup(opts: { firstPerWindow?: number; shedAfter?: number; maxPeers?: number } = {}) {
  const log = memoryLogger('master.slave_driver');
  const faults = new FaultLog({ log, socket: 'slave queue', windowMs: 60_000, ...opts });
  return { log, faults, lines: () => log.entries.map((e) => `${e.level} ${e.message}`) };
}

describe('FaultLog', () => {
  test('the first faults of a window are logged as they come; the rest become one line per peer with counts by kind', () => {
    const { faults, lines } = setup({ firstPerWindow: 2 });
    faults.fault('aa01', 'unable to deserialize data (from aa01)');
    faults.fault('aa01', 'unknown message: FOO (from aa01)');
    for (let i = 0; i < 1000; i++) faults.fault('aa01', 'unable to deserialize data (from aa01)');
    for (let i = 0; i < 234; i++) faults.fault('aa01', 'unknown message: BAR (from aa01)');
    faults.fault('bb02', 'invalid message structure received');
    expect(lines()).toEqual(['error unable to deserialize data (from aa01)', 'error unknown message: FOO (from aa01)']);
    faults.flush();
    expect(lines().slice(2)).toEqual([
      'error 1,234 more faults from peer aa01 on the slave queue in the last 60 s (unable to deserialize data ×1,000, unknown message ×234)',
      'error 1 more faults from peer bb02 on the slave queue in the last 60 s (invalid message structure received ×1)',
    ]);
    expect(faults.total).toBe(1237);
    // A new window logs its first faults again.
    faults.fault('aa01', 'unknown message: BAZ (from aa01)');
    expect(lines().at(-1)).toBe('error unknown message: BAZ (from aa01)');
  });

  test('a peer past its budget is shed until the window ends, and the summary says how many of its messages were dropped unread', () => {
    const { faults, lines } = setup({ firstPerWindow: 1, shedAfter: 3 });
    for (let i = 0; i < 3; i++) faults.fault('cc03', 'unable to deserialize data (from cc03)');
    expect(faults.shedding('cc03')).toBe(false);
    faults.fault('cc03', 'unable to deserialize data (from cc03)');
    expect(faults.shedding('dd04')).toBe(false);
    let shed = 0;
    for (let i = 0; i < 500; i++) if (faults.shedding('cc03')) shed++;
    expect(shed).toBe(500);
    faults.flush();
    expect(lines().at(-1)).toBe('error 503 more faults from peer cc03 on the slave queue in the last 60 s (unable to deserialize data ×3, dropped unread ×500)');
    expect(faults.shedding('cc03')).toBe(false);
  });

  test('faults of a socket without peers are summarised without a name', () => {
    const { faults, lines } = setup({ firstPerWindow: 0 });
    for (let i = 0; i < 5; i++) faults.fault(undefined, 'unable to deserialize data');
    faults.flush();
    expect(lines()).toEqual(['error 5 more faults on the slave queue in the last 60 s (unable to deserialize data ×5)']);
  });

  test('past maxPeers, new peers are counted together, so a million identities cannot grow the table', () => {
    const { faults, lines } = setup({ firstPerWindow: 0, maxPeers: 2 });
    for (let i = 0; i < 10_000; i++) faults.fault(i.toString(16), 'unable to deserialize data');
    faults.flush();
    expect(lines()).toHaveLength(3);
    expect(lines()[2]).toBe('error 9,998 more faults from other peers on the slave queue in the last 60 s (unable to deserialize data ×9,998)');
  });
});
