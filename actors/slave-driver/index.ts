/** The Slave Driver: slave sessions over the slave ROUTER socket, and the per-ABI build queues. */
export { SlaveDriver, slaveIdCounter, DEFAULT_PYPI_SIMPLE, DEFAULT_SLAVE_QUEUE, type SlaveDriverOptions, type SlaveIdCounter } from './slave-driver.js';
export { slaveDriverTask, type SlaveDriverInput } from './task.js';
export { slaveDriverControlQueue, slaveControlProtocol, type SlaveControlMessage } from './control.js';
export { BuildQueues, DELETION_HOLD_MS, type Job } from './build-queues.js';
export { busPorts, type SlaveDriverPorts } from './ports.js';
export { SlaveDriverError, slaveDriverErrors } from './errors.js';
