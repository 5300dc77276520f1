/**
 * What piw-master tells systemd (actors/systemd), from its root supervisor and its status queue:
 *
 *   starting   STATUS `starting task the_scribe (3 of 10)` and EXTEND_TIMEOUT_USEC for that task's ready
 *              timeout: each task is bounded by the supervisor, so a start that hangs still times out
 *   READY=1    once the supervisor runs: every task ready, so every socket bound (the master binds the
 *              status and control queues before the tasks start; each task binds its own before it is ready)
 *   running    STATUS `3 slaves (1 building); 1234 builds queued (cp311 1200, cp39 34); paused`, from the
 *              SLAVE and STATS messages every monitor gets, at most once a second
 *   stopping   STOPPING=1, then per task STATUS `stopping task mr_chase` and EXTEND_TIMEOUT_USEC for its stop
 *              timeout (a Secretary saving its buffer, a transfer being finished)
 */
import type { Actor } from 'xstate';
import type { Message } from '../../protocols/protocol.js';
import type { monitorStatsProtocol } from '../../protocols/monitor-stats.js';
import type { Bus } from '../runtime/bus.js';
import { queues } from '../runtime/queues.js';
import type { supervisorMachine } from '../runtime/supervisor.js';
import type { ServiceNotifier } from '../systemd/index.js';

type StatusMessage = Message<(typeof monitorStatsProtocol)['send']>;

/** What a task's start or stop takes beyond the supervisor's own limit: logging, closing sockets. */
const MARGIN_MS = 5_000;
/** The least time between two STATUS lines while running (slaves come and go many times a second). */
export const STATUS_INTERVAL_MS = 1_000;

/** The farm as one line: slaves connected and building, builds queued per ABI, paused. */
export class FarmSummary {
  readonly #slaves = new Map<number, boolean>();
  #pending: Record<string, number> | undefined;
  #statsAt = 0;
  paused = false;

  /** Whether `update` does anything with this message: a slave's other statuses (every reply) are not read. */
  static wants(msg: StatusMessage): boolean {
    if (msg.verb === 'STATS') return true;
    if (msg.verb !== 'SLAVE') return false;
    const verb = msg.data[2];
    return verb === 'HELLO' || verb === 'BUILD' || verb === 'DONE' || verb === 'DIE';
  }

  /** Folds one status-queue message in (SLAVE HELLO / BUILD / DONE / DIE, STATS). */
  update(msg: StatusMessage): void {
    if (msg.verb === 'STATS') {
      const [timestamp, , , , , pending] = msg.data;
      // Big Brother replays its history to a new monitor: an old entry must not undo a newer one.
      const at = new Date(timestamp as Date | string | number).getTime();
      if (at >= this.#statsAt) {
        this.#statsAt = at;
        this.#pending = pending;
      }
      return;
    }
    if (msg.verb !== 'SLAVE') return;
    const [id, , verb] = msg.data;
    if (verb === 'DIE') this.#slaves.delete(id);
    else if (verb === 'BUILD') this.#slaves.set(id, true);
    else if (verb === 'DONE' || !this.#slaves.has(id)) this.#slaves.set(id, false);
  }

  toString(): string {
    const slaves = this.#slaves.size;
    const building = [...this.#slaves.values()].filter(Boolean).length;
    const parts = [`${slaves} ${slaves === 1 ? 'slave' : 'slaves'} (${building} building)`];
    if (this.#pending !== undefined) {
      const abis = Object.entries(this.#pending).sort(([a], [b]) => a.localeCompare(b));
      const total = abis.reduce((sum, [, n]) => sum + n, 0);
      parts.push(`${total} builds queued${abis.length === 0 ? '' : ` (${abis.map(([abi, n]) => `${abi} ${n}`).join(', ')})`}`);
    }
    if (this.paused) parts.push('paused');
    return parts.join('; ');
  }
}

export interface MasterReportOptions {
  root: Actor<typeof supervisorMachine>;
  bus: Bus;
  statusIntervalMs?: number;
}

/** Reports the master to `notifier` until the returned function is called. */
export function reportMaster(notifier: ServiceNotifier, opts: MasterReportOptions): () => void {
  const { root, bus, statusIntervalMs = STATUS_INTERVAL_MS } = opts;
  const summary = new FarmSummary();
  let phase: string | undefined;
  let running = false;
  let pending: NodeJS.Timeout | undefined;
  const flush = () => {
    pending = undefined;
    if (running) notifier.status(summary.toString());
  };
  const changed = () => {
    if (running && pending === undefined) pending = setTimeout(flush, statusIntervalMs).unref();
  };

  const unsubscribe = bus.subscribe(
    queues.status,
    (msg) => {
      summary.update(msg);
      changed();
    },
    { wants: FarmSummary.wants },
  );
  const subscription = root.subscribe((snapshot) => {
    // Each extension asked for is the supervisor's own limit for that task (plus a margin), never more.
    const { tasks, cursor, paused, readyTimeoutMs, stopTimeoutMs } = snapshot.context;
    const task = tasks[cursor];
    if (summary.paused !== paused) {
      summary.paused = paused;
      changed();
    }
    if (snapshot.matches('starting') && task !== undefined) {
      const now = `starting task ${task.id} (${cursor + 1} of ${tasks.length})`;
      if (now !== phase) notifier.extendTimeout(readyTimeoutMs + MARGIN_MS, (phase = now));
    } else if (snapshot.matches('running') && !running) {
      running = true;
      notifier.ready(summary.toString());
    } else if (snapshot.matches('stopping') || snapshot.status === 'done') {
      running = false;
      notifier.stopping(`stopping: ${snapshot.context.outcome.reason}`);
      if (snapshot.matches({ stopping: 'waiting' }) && task !== undefined) {
        const now = `stopping task ${task.id}`;
        if (now !== phase) notifier.extendTimeout(stopTimeoutMs + MARGIN_MS, (phase = now));
      }
      if (snapshot.status === 'done') notifier.status(snapshot.output?.failed ? `stopped: ${snapshot.output.reason}` : 'stopped');
    }
  });
  return () => {
    clearTimeout(pending);
    unsubscribe();
    subscription.unsubscribe();
  };
}
