/** The Secretary: the de-duplicating, persisted buffer of page rewrites in front of the Scribe. */
export { secretaryTask, TICK_MS, type SecretaryTaskInput } from './task.js';
export { BUFFER_DELAY_MS, DEV_BUFFER_DELAY_MS } from '../../machines/secretary/secretary-machine.js';
