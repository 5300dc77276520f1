/** Big Brother's statistics cycle: see big-brother-machine.ts. */
export * from './big-brother-machine.js';
