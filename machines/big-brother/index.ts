/** Big Brother's statistics cycle: see big-brother-machine.ts; the figures it keeps: master-stats.ts. */
export * from './big-brother-machine.js';
export * from './master-stats.js';
