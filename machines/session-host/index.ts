/** The session host's chart: see session-host-machine.ts. */
export * from './session-host-machine.js';
