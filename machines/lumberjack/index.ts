/** The Lumberjack's batching as a statechart: see batching-machine.ts. */
export * from './batching-machine.js';
