export * from './circuit-breaker.js';
export * from './changelog.js';
export * from './gazer-plan.js';
export * from './pypi-actions.js';
export * from './pypi-buffer.js';
export * from './pypi-events.js';
export * from './poll-cycle.js';
