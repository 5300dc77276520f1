/** The database layer: schema versions and migrations, connections (server or embedded), the API. */
export * from './version.js';
export * from './errors.js';
export * from './dsn.js';
export * from './connection.js';
export * from './migrations.js';
export * from './api.js';
export * from './database.js';
export * from './text.js';
export * from './access-log.js';
export * from './open.js';
