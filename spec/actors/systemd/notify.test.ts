/**
 * The sd_notify adapter: nothing at all without NOTIFY_SOCKET; READY, STATUS, STOPPING and
 * EXTEND_TIMEOUT_USEC as systemd reads them; WATCHDOG=1 at half of WATCHDOG_USEC on a simulated clock,
 * only for the process WATCHDOG_PID names; and real datagrams through libsystemd to a plain socket path
 * and to an abstract one (`@name`).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceNotifier, withoutServiceVariables, type WatchdogTimers } from '../../../actors/systemd/index.js';
import { NotifyListener } from '../../../scripts/systemd/notify-listener.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = path.join(ROOT, 'spec/actors/systemd/support/notify-child.ts');

/** A clock that only moves when told to, for the watchdog's interval timer. */
class SimulatedTimers implements WatchdogTimers {
  now = 0;
  readonly intervals = new Map<number, { callback: () => void; ms: number; next: number }>();
  #ids = 0;

  setInterval(callback: () => void, ms: number): unknown {
    const id = ++this.#ids;
    this.intervals.set(id, { callback, ms, next: this.now + ms });
    return id;
  }

  clearInterval(handle: unknown): void {
    this.intervals.delete(handle as number);
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.intervals.values()].filter((t) => t.next <= until).sort((a, b) => a.next - b.next)[0];
      if (due === undefined) break;
      this.now = due.next;
      due.next += due.ms;
      due.callback();
    }
    this.now = until;
  }
}

function recording(env: NodeJS.ProcessEnv, pid = 4242) {
  const sent: string[] = [];
  const timers = new SimulatedTimers();
  const notifier = serviceNotifier({ env, pid, send: (state) => sent.push(state), timers });
  return { notifier, sent, timers };
}

describe('without NOTIFY_SOCKET', () => {
  test('nothing is sent, no watchdog runs, and the sender is never needed', () => {
    const timers = new SimulatedTimers();
    const sent: string[] = [];
    const notifier = serviceNotifier({ env: { WATCHDOG_USEC: '2000000' }, send: (state) => sent.push(state), timers });
    expect(notifier.enabled).toBe(false);
    expect(notifier.watchdogIntervalMs).toBeUndefined();
    notifier.status('starting');
    notifier.extendTimeout(10_000);
    notifier.ready('ready');
    notifier.stopping('stopping');
    timers.advance(60_000);
    notifier.close();
    expect(sent).toEqual([]);
    expect(timers.intervals.size).toBe(0);
  });

  test('an empty NOTIFY_SOCKET is the same as none', () => {
    const { notifier, sent } = recording({ NOTIFY_SOCKET: '' });
    notifier.ready('x');
    expect([notifier.enabled, sent]).toEqual([false, []]);
  });
});

describe('with NOTIFY_SOCKET', () => {
  const env = { NOTIFY_SOCKET: '/run/systemd/notify' };

  test('READY goes once, with its STATUS in the same datagram; later calls only update STATUS', () => {
    const { notifier, sent } = recording(env);
    notifier.ready('3 slaves (1 building)');
    notifier.ready('3 slaves (1 building)');
    notifier.ready('4 slaves (1 building)');
    expect(sent).toEqual(['READY=1\nSTATUS=3 slaves (1 building)', 'STATUS=4 slaves (1 building)']);
  });

  test('STATUS is one line and is sent only when it changes', () => {
    const { notifier, sent } = recording(env);
    notifier.status('idle');
    notifier.status('idle');
    notifier.status('building foo 1.0\n(slave 3)');
    expect(sent).toEqual(['STATUS=idle', 'STATUS=building foo 1.0 (slave 3)']);
  });

  test('STOPPING goes once; EXTEND_TIMEOUT_USEC is in microseconds and may carry a STATUS', () => {
    const { notifier, sent } = recording(env);
    notifier.stopping('stopping on SIGTERM');
    notifier.stopping('stopping on SIGTERM');
    notifier.extendTimeout(15_000, 'stopping task mr_chase');
    notifier.extendTimeout(15_000);
    expect(sent).toEqual([
      'STOPPING=1\nSTATUS=stopping on SIGTERM',
      'EXTEND_TIMEOUT_USEC=15000000\nSTATUS=stopping task mr_chase',
      'EXTEND_TIMEOUT_USEC=15000000',
    ]);
  });

  test("WATCHDOG=1 every half of WATCHDOG_USEC (0.18's slave unit: WatchdogSec=2min → every minute), until closed", () => {
    const { notifier, sent, timers } = recording({ ...env, WATCHDOG_USEC: '120000000' });
    expect(notifier.watchdogIntervalMs).toBe(60_000);
    timers.advance(59_999);
    expect(sent).toEqual([]);
    timers.advance(1);
    expect(sent).toEqual(['WATCHDOG=1']);
    timers.advance(120_000);
    expect(sent).toEqual(['WATCHDOG=1', 'WATCHDOG=1', 'WATCHDOG=1']);
    notifier.close();
    timers.advance(600_000);
    expect(sent).toHaveLength(3);
  });

  test('the watchdog is ours only when WATCHDOG_PID is unset or names this process', () => {
    expect(recording({ ...env, WATCHDOG_USEC: '4000000', WATCHDOG_PID: '4242' }).notifier.watchdogIntervalMs).toBe(2000);
    const other = recording({ ...env, WATCHDOG_USEC: '4000000', WATCHDOG_PID: '99' });
    other.timers.advance(60_000);
    expect([other.notifier.watchdogIntervalMs, other.sent]).toEqual([undefined, []]);
  });

  test.each(['soon', '-5', '0', '1.5'])('WATCHDOG_USEC=%s is refused with PIW_ERR_SD_WATCHDOG', (usec) => {
    expect(() => recording({ ...env, WATCHDOG_USEC: usec })).toThrow(expect.objectContaining({ code: 'PIW_ERR_SD_WATCHDOG' }));
  });

  test('libsystemd sends to the process’s own NOTIFY_SOCKET, so another environment without `send` is refused', () => {
    expect(() => serviceNotifier({ env: { NOTIFY_SOCKET: '/elsewhere' } })).toThrow(/give `send` with another environment/);
  });
});

test('builds get none of the service variables', () => {
  expect(withoutServiceVariables({ PATH: '/bin', NOTIFY_SOCKET: '@x', WATCHDOG_USEC: '1', WATCHDOG_PID: '2' })).toEqual({ PATH: '/bin' });
});

describe('real datagrams through libsystemd (sd-notify), from a child process', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'piw-notify-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs support/notify-child.ts with these variables; resolves with its exit status. */
  function child(env: NodeJS.ProcessEnv, pings = 0, block = false): Promise<number | null> {
    const args = ['--import', 'tsx', CHILD, String(pings), ...(block ? ['block'] : [])];
    const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'inherit' });
    return new Promise((resolve) => proc.on('close', resolve));
  }

  test.each([
    ['a socket path', () => path.join(dir, 'notify')],
    ['an abstract socket (@name)', () => undefined],
  ])('reach %s, the watchdog included', async (_, address) => {
    const listener = await NotifyListener.start(address());
    try {
      expect(await child({ NOTIFY_SOCKET: listener.address, WATCHDOG_USEC: '200000' }, 2)).toBe(0);
      await listener.next('EXTEND_TIMEOUT_USEC');
      const texts = listener.received.map((n) => n.text);
      expect(texts.filter((t) => t !== 'WATCHDOG=1')).toEqual([
        'STATUS=starting task seraph (1 of 10)',
        'READY=1\nSTATUS=0 slaves (0 building)',
        'STOPPING=1\nSTATUS=stopping on SIGTERM',
        'EXTEND_TIMEOUT_USEC=15000000\nSTATUS=stopping task mr_chase',
      ]);
      expect(texts.filter((t) => t === 'WATCHDOG=1').length).toBeGreaterThanOrEqual(1);
    } finally {
      listener.close();
    }
  });

  test('the watchdog pings from the event loop itself: none while the loop is blocked, again once it is free', async () => {
    const listener = await NotifyListener.start();
    try {
      expect(await child({ NOTIFY_SOCKET: listener.address, WATCHDOG_USEC: '200000' }, 2, true)).toBe(0);
      await listener.next('EXTEND_TIMEOUT_USEC');
      const texts = listener.received.map((n) => n.text);
      const blocked = texts.indexOf('STATUS=blocking the event loop');
      const free = texts.indexOf('STATUS=event loop free again');
      const stopping = texts.findIndex((t) => t.startsWith('STOPPING=1'));
      expect(texts.slice(0, blocked)).toContain('WATCHDOG=1');
      expect(texts.slice(blocked + 1, free)).toEqual([]);
      expect(texts.slice(free + 1, stopping)).toContain('WATCHDOG=1');
    } finally {
      listener.close();
    }
  });

  test('with NOTIFY_SOCKET unset the child sends nothing to a listener that is there', async () => {
    const listener = await NotifyListener.start(path.join(dir, 'notify'));
    try {
      expect(await child({ NOTIFY_SOCKET: '', WATCHDOG_USEC: '200000' }, 2)).toBe(0);
      // A datagram sent to a bound socket is queued at once: once the sender has exited there is nothing in flight.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(listener.received).toEqual([]);
    } finally {
      listener.close();
    }
  });
});
