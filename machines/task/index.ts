/** The task wrapper's chart: see task-machine.ts. */
export * from './task-machine.js';
