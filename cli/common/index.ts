/** The shared base of the piw-* commands; see command.ts for how a command is written. */
export * from './command.js';
export * from './config.js';
export * from './confirm.js';
export * from './errors.js';
export * from './ini.js';
export * from './logger.js';
export * from './root.js';
export * from './run.js';
