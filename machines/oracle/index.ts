/** An Oracle's request, with its retry while the database is unreachable: see oracle-machine.ts. */
export * from './oracle-machine.js';
