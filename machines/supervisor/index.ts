/** The root supervisor: see supervisor-machine.ts for the chart, types.ts for the interface. */
export * from './types.js';
export { createSupervisorMachine, supervisorMachine, supervisorSetup } from './supervisor-machine.js';
