/** Cloud Gazer's charts: its poll cycle and the circuit breaker around each PyPI client. */
export * from './circuit-breaker.js';
export * from './poll-cycle.js';
