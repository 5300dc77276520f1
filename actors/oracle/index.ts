/** The database task (Seraph and the Oracles) and the DbClient tasks use to reach it. */
export * from './oracle.js';
export * from './seraph.js';
export * from './db-client.js';
export * from './task.js';
