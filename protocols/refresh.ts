/**
 * `refresh`: Cloud Gazer → Architect, PUSH → PULL, in-process only (not in 0.18, and never on a wire).
 * `REFRESH` says the database has versions the build queue may not show yet (new ones, or one no longer
 * skipped), so the Architect runs its query soon instead of at its next one-minute refresh.
 */
import { defineProtocol, NoData } from './protocol.js';

export const refreshProtocol = defineProtocol('refresh', {
  recv: {
    REFRESH: NoData,
  },
  send: {},
});
