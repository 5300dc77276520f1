/**
 * What Cloud Gazer needs from the rest of the master, as interfaces: the task actor supplies the bus-backed
 * implementations, tests supply their own.
 */
import type { OracleResult } from '../../protocols/index.js';
import type { OracleMessage, SkipMessage, WebMessage } from './gazer-plan.js';

/** Milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The Oracle (through Seraph): resolves with the verb's `OK` result, rejects on `ERROR`. */
export interface OraclePort {
  request<M extends OracleMessage>(msg: M): Promise<OracleResult<M['verb']>>;
}

/** The Secretary's web queue: resolves when it answers DONE. */
export interface WebQueuePort {
  send(msg: WebMessage): Promise<void>;
}

/** The Slave Driver's skip queue: resolves when it answers OK. */
export interface SkipQueuePort {
  send(msg: SkipMessage): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now() };
