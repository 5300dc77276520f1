/** What every statechart of machines/ shares: placeholders for unprovided effects, timer clamping, log entries. */
export * from './log-entry.js';
export * from './not-provided.js';
export * from './timer.js';
