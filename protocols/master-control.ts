/** `master_control` and `task_control` (protocols/README.md §4.10, §4.11). */
import { defineProtocol, NoData } from './protocol.js';
import { int, nullable } from './fields.js';

const slaveIdOrAll = () => nullable(int()); // null = every slave (and, for SLEEP/WAKE, the master)

const masterControlVerbs = {
  HELLO: NoData, // a new monitor: replay status
  KILL: slaveIdOrAll(),
  SLEEP: slaveIdOrAll(),
  SKIP: slaveIdOrAll(),
  WAKE: slaveIdOrAll(),
  QUIT: NoData,
} as const;

/** Control queue: monitors and tasks PUSH → master PULL. */
export const masterControlProtocol = defineProtocol('master_control', {
  maxFrame: 64 << 10, // a verb and at most a slave id
  recv: masterControlVerbs,
  send: {},
});

/** The monitors' view. */
export const monitorControlProtocol = masterControlProtocol.mirror();

const taskControlVerbs = { PAUSE: NoData, RESUME: NoData, QUIT: NoData } as const;

/** Per-task control: PAUSE / RESUME / QUIT. */
export const taskControlProtocol = defineProtocol('task_control', { recv: taskControlVerbs, send: {} });

/** Slave Driver's control: the base verbs plus every master control verb. */
export const slaveDriverControlProtocol = defineProtocol('slave_driver_control', {
  recv: { ...taskControlVerbs, ...masterControlVerbs },
  send: {},
});

/** Big Brother's control: the base verbs plus STATS (replay the stats history). */
export const bigBrotherControlProtocol = defineProtocol('big_brother_control', {
  recv: { ...taskControlVerbs, STATS: NoData },
  send: {},
});
