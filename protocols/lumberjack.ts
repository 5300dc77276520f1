/** `lumberjack`: log queue, piw-logger PUSH → Lumberjack PULL (protocols/README.md §4.9). */
import { defineProtocol } from './protocol.js';
import { downloadRecord, hitRecord, searchRecord } from './records.js';

export const lumberjackProtocol = defineProtocol('lumberjack', {
  maxFrame: 64 << 10, // one access-log record (the longest fields are a path and a user agent)
  recv: {
    LOGDOWNLOAD: downloadRecord,
    LOGSEARCH: searchRecord,
    LOGPROJECT: hitRecord,
    LOGJSON: hitRecord,
    LOGPAGE: hitRecord,
  },
  send: {},
});

/** piw-logger's view. */
export const loggerProtocol = lumberjackProtocol.mirror();
