/** The Scribe's write scheduling: see write-scheduler.ts. */
export * from './write-scheduler.js';
