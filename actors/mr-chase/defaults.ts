/** Mr Chase's defaults, in a module of their own so the tools can read them without loading the task. */

/** --import-queue: piw-import, piw-remove and piw-rebuild talk to the master here (protocols/README.md §2). */
export { DEFAULT_IMPORT_QUEUE } from '../ipc/defaults.js';

/**
 * How long a tool may take between SEND and SENT before its import is given up: twice the File Juggler's
 * five minutes of silence, after which the transfer has failed anyway. (The session machine's own default
 * is an hour; an abandoned import holds the importers' transfer slot until it is given up.)
 */
export const DEFAULT_CLIENT_TIMEOUT_MS = 10 * 60_000;

/**
 * How long an import may wait for another import's transfer to finish before it is refused (told to try
 * again). Under the tools' own five minutes of waiting for a reply (`--timeout`), so a tool still there
 * hears why, and a session whose tool gave up never takes the transfer slot to SEND to nobody.
 */
export const DEFAULT_SLOT_WAIT_MS = 4 * 60_000;
