/**
 * The monitor client (piw-monitor, piw-sense): `createMonitorClient` follows the master's status queue
 * into the farm model and sends control messages; see client.ts for how to use it.
 */
export { createMonitorClient, HELLO_DELAY_MS, HELLO_RETRY_MS, TICK_MS, type MonitorClient, type MonitorClientOptions } from './client.js';
export { controlFor, openControlSender, CONTROL_SEND_TIMEOUT_MS, type ControlSender } from './control-sender.js';
export { openStatusFeed, STATUS_BATCH_MS, type StatusFeedOptions } from './status-feed.js';
export { MonitorError, monitorErrors } from './errors.js';
