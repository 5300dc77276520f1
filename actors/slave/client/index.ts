/** piw-slave's actor: the slave-client machine driven over the slave queue, with builds and transfers. */
export { runSlave, randomPauseMs, BYE_WAIT_MS, type SlaveObserver, type SlaveOptions, type SlaveOutcome } from './slave.js';
export { SlaveConnection, type MasterReply, type RequestOutcome, type SlaveRequest } from './connection.js';
export {
  createSlaveServices,
  queueAddress,
  DEFAULT_BUILD_TIMEOUT_MS,
  DEFAULT_MASTER_TIMEOUT_MS,
  DEFAULT_TRANSFER_TIMEOUT_MS,
  FILE_QUEUE_PORT,
  SLAVE_QUEUE_PORT,
  type SlaveServices,
  type SlaveServiceSettings,
} from './services.js';
export { RunningBuild, STOP_GRACE_MS, type Builder } from './running-build.js';
export { checkClock, EARLIEST_CLOCK } from './sanity.js';
export { SlaveError, slaveErrors } from './errors.js';
