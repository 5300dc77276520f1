/** `the_architect`: builds queue, Architect PUSH → Slave Driver PULL (protocols/README.md §4.7). */
import { defineProtocol } from './protocol.js';
import { list, mapOf, str, tuple } from './fields.js';

export const buildsQueueProtocol = defineProtocol('the_architect', {
  recv: {
    // Complete replacement of every per-ABI queue, each oldest release first.
    QUEUE: mapOf(list(tuple([str(), str()]))),
  },
  send: {},
});
