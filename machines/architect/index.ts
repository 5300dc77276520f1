/** The Architect's refresh cycle as a statechart: see refresh-machine.ts. */
export * from './refresh-machine.js';
export type { BuildQueue } from '../../schema/database.js';
