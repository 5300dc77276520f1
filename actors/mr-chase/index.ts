/** Mr Chase: piw-import, piw-remove and piw-rebuild's end-point in the master. */
export { MrChase, type MrChaseOptions } from './mr-chase.js';
export { DEFAULT_IMPORT_QUEUE, DEFAULT_CLIENT_TIMEOUT_MS, DEFAULT_SLOT_WAIT_MS } from './defaults.js';
export { mrChaseTask, type MrChaseInput } from './task.js';
export { sessionQueries, type SessionPortsOptions } from './ports.js';
export { TransferSlot } from './transfer-slot.js';
export { MrChaseError, mrChaseErrors } from './errors.js';
