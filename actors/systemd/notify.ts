/**
 * What a piwheels daemon tells systemd (sd_notify(3), systemd.service Type=notify), as one small object
 * shared by piw-master, piw-slave and piw-sense:
 *
 *   const notifier = serviceNotifier();            // reads NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID
 *   notifier.status('starting task seraph (1 of 10)');
 *   notifier.extendTimeout(15_000);                 // EXTEND_TIMEOUT_USEC: "give me 15 s more"
 *   notifier.ready('3 slaves; 120 builds queued');  // READY=1 (once)
 *   notifier.stopping('stopping on SIGTERM');       // STOPPING=1 (once)
 *   notifier.close();                               // stops the watchdog
 *
 * With NOTIFY_SOCKET unset (not under systemd, or Type=simple) every call does nothing and nothing is
 * loaded. With WATCHDOG_USEC set (WatchdogSec= in the unit) and meant for this process (WATCHDOG_PID unset
 * or ours), WATCHDOG=1 goes out every half of it from a timer of the event loop itself: a loop that blocks
 * stops the pings, and systemd restarts the service. The timer never keeps the process alive.
 *
 * STATUS is one line (newlines become spaces) and is sent only when it changes. Several assignments go
 * out in one datagram, so systemd sees READY and the STATUS that explains it together.
 */
import { loadSdNotify } from './sd-notify.js';
import { systemdErrors } from './errors.js';

export interface ServiceNotifier {
  /** Whether systemd listens (NOTIFY_SOCKET is set); when false every call does nothing. */
  readonly enabled: boolean;
  /** How often WATCHDOG=1 is sent (half of WATCHDOG_USEC), in ms; undefined when nothing watches us. */
  readonly watchdogIntervalMs: number | undefined;
  /** READY=1, with a STATUS line if given; only the first call counts. */
  ready(status?: string): void;
  /** STATUS=text, if it differs from the last one sent. */
  status(text: string): void;
  /** STOPPING=1, with a STATUS line if given; only the first call counts. */
  stopping(status?: string): void;
  /**
   * EXTEND_TIMEOUT_USEC: the start or stop under way needs up to `ms` more from now (systemd counts it only
   * once TimeoutStartSec= / TimeoutStopSec= have passed). Send it again before it runs out, for real
   * progress only, so that a start or stop that truly hangs still times out.
   */
  extendTimeout(ms: number, status?: string): void;
  /** Stops the watchdog pings. */
  close(): void;
}

/** The timers the watchdog runs on (tests pass a simulated clock). */
export interface WatchdogTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface ServiceNotifierOptions {
  /**
   * Where NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID are read (default: process.env). libsystemd's
   * sender reads this process's own NOTIFY_SOCKET, so another environment needs `send` too.
   */
  env?: NodeJS.ProcessEnv;
  /** This process's id, for WATCHDOG_PID (default: process.pid). */
  pid?: number;
  /** Sends one datagram of assignments (default: libsystemd's sd_notify, loaded only when enabled). */
  send?: (state: string) => void;
  timers?: WatchdogTimers;
}

/** The variables systemd hands a service for sd_notify; children (builds) get none of them. */
export const SERVICE_VARIABLES = ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID'] as const;

/** `env` without systemd's notification variables: a build must not speak for the service. */
export function withoutServiceVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of SERVICE_VARIABLES) delete copy[name];
  return copy;
}

/** Half of WATCHDOG_USEC in ms, when the watchdog is on and meant for process `pid` (sd_watchdog_enabled(3)). */
export function watchdogInterval(env: NodeJS.ProcessEnv, pid: number): number | undefined {
  const usec = env.WATCHDOG_USEC;
  if (usec === undefined || usec === '') return undefined;
  if (!/^\d+$/.test(usec) || Number(usec) <= 0) throw systemdErrors.watchdog(usec);
  const watched = env.WATCHDOG_PID;
  if (watched !== undefined && watched !== '' && Number(watched) !== pid) return undefined;
  return Math.max(1, Math.floor(Number(usec) / 2000));
}

const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

const SILENT: ServiceNotifier = {
  enabled: false,
  watchdogIntervalMs: undefined,
  ready() {},
  status() {},
  stopping() {},
  extendTimeout() {},
  close() {},
};

const NODE_TIMERS: WatchdogTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/**
 * The notifier for this process. Throws PIW_ERR_SD_NOTIFY_UNAVAILABLE when systemd listens but sd_notify
 * cannot be loaded (a unit that waits for READY would otherwise time out with no reason given), and
 * PIW_ERR_SD_WATCHDOG for a WATCHDOG_USEC that is not a number.
 */
export function serviceNotifier(opts: ServiceNotifierOptions = {}): ServiceNotifier {
  const env = opts.env ?? process.env;
  if (env.NOTIFY_SOCKET === undefined || env.NOTIFY_SOCKET === '') return SILENT;
  const intervalMs = watchdogInterval(env, opts.pid ?? process.pid);
  if (opts.send === undefined && env.NOTIFY_SOCKET !== process.env.NOTIFY_SOCKET) {
    throw new TypeError("libsystemd's sd_notify sends to this process's NOTIFY_SOCKET: give `send` with another environment");
  }
  const send = opts.send ?? loadSdNotify();
  const timers = opts.timers ?? NODE_TIMERS;
  let lastStatus: string | undefined;
  let readySent = false;
  let stoppingSent = false;

  /** Sends the assignments, with STATUS only when it is new. */
  const notify = (assignments: string[], status?: string) => {
    const lines = [...assignments];
    if (status !== undefined) {
      const text = oneLine(status);
      if (text !== lastStatus) {
        lastStatus = text;
        lines.push(`STATUS=${text}`);
      }
    }
    if (lines.length > 0) send(lines.join('\n'));
  };

  const watchdog = intervalMs === undefined ? undefined : timers.setInterval(() => send('WATCHDOG=1'), intervalMs);

  return {
    enabled: true,
    watchdogIntervalMs: intervalMs,
    ready(status) {
      if (readySent) return status === undefined ? undefined : notify([], status);
      readySent = true;
      notify(['READY=1'], status);
    },
    status(text) {
      notify([], text);
    },
    stopping(status) {
      if (stoppingSent) return status === undefined ? undefined : notify([], status);
      stoppingSent = true;
      notify(['STOPPING=1'], status);
    },
    extendTimeout(ms, status) {
      notify([`EXTEND_TIMEOUT_USEC=${Math.max(1, Math.ceil(ms * 1000))}`], status);
    },
    close() {
      if (watchdog !== undefined) timers.clearInterval(watchdog);
    },
  };
}
