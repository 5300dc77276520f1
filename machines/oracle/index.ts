/** An Oracle's request, with its retry while the database is unreachable: see request-machine.ts. */
export * from './request-machine.js';
