/** The build slave's side of the slave protocol: see machine.ts for the chart, types.ts for the interface. */
export * from './types.js';
export { slaveClientMachine, slaveClientSetup } from './machine.js';
export { createSlaveClientMachine, type SlaveClientServices } from './create.js';
export { NotProvidedError } from '../common/not-provided.js';
