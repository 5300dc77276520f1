/** The master's side of the slave protocol: see machine.ts for the chart, types.ts for the interface. */
export * from './types.js';
export { slaveSessionMachine, slaveSessionSetup, silenceWatch } from './machine.js';
export { STATS_KEPT, appendStats, statsSamples, EMPTY_STATS_LOG, type StatsLog } from './stats-log.js';
export { createSlaveSessionMachine, type SlaveSessionServices } from './create.js';
export { prepareFiles, nextUntransferred, markTransferred, buildRecord } from './files.js';
export { slaveStatus, replyStatus, replayStatus } from './status.js';
export { NotProvidedError } from '../common/not-provided.js';
