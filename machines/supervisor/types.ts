/** The root supervisor's interface: see supervisor-machine.ts for the chart. */
import type { AnyActorLogic } from 'xstate';

export interface SupervisedTask {
  id: string;
  logic: AnyActorLogic;
  input?: unknown;
}

export interface RestartPolicy {
  /** Back-off before the first restart of a task; doubled (by `factor`) for each crash still in the window. */
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** More crashes than this, across all tasks, within `windowMs` stops the process. */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  maxCrashes: 5,
  windowMs: 60_000,
};

export interface SupervisorInput {
  tasks: SupervisedTask[];
  /** Where the owner's `log` action writes (the machine only hands it on). */
  log?: unknown;
  /** 0.18 waits 10 s for each task (protocols/README.md §2.1). */
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  restart?: Partial<RestartPolicy>;
  /** The clock crash windows are measured with (default: the one the machine was made with). */
  now?: () => number;
}

export interface SupervisorOutput {
  /** False for an orderly QUIT; true when start-up failed or a crash loop stopped the process. */
  failed: boolean;
  reason: string;
  error?: unknown;
}

/** What a task sends its parent once it is ready. */
export interface TaskReadyEvent {
  type: 'task.ready';
  id: string;
}

export type SupervisorEvent =
  | { type: 'PAUSE'; id?: string }
  | { type: 'RESUME'; id?: string }
  | { type: 'QUIT'; reason?: string }
  | TaskReadyEvent
  | { type: 'task.restart'; id: string }
  | { type: `xstate.error.actor.${string}`; error: unknown }
  | { type: `xstate.done.actor.${string}`; output: unknown };

export interface SupervisorContext {
  tasks: SupervisedTask[];
  /** Opaque to the machine: what its `log` action writes to. */
  logTo: unknown;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
  policy: RestartPolicy;
  now: () => number;
  /** Index of the task being started (start-up) or stopped (shutdown). */
  cursor: number;
  /** How many tasks start-up reached: shutdown walks back from there. */
  spawned: number;
  live: ReadonlySet<string>;
  ready: ReadonlySet<string>;
  crashes: readonly { id: string; at: number }[];
  paused: boolean;
  outcome: SupervisorOutput;
}
