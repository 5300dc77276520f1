/** `the_scribe`: web queue (clients ⇄ Secretary) and scribe queue (Secretary ⇄ Scribe) (protocols/README.md §4.5). */
import { defineProtocol, NoData } from './protocol.js';
import { int, literal, mapOf, oneOf, str, tuple } from './fields.js';
import { masterStats } from './records.js';

const scribeRequests = {
  PROJECT: str(), // rewrite the project page
  BOTH: str(), // rewrite the simple package index and the project page
  DELVER: tuple([str(), str()]),
  DELPKG: str(),
  HOME: masterStats, // home page and sitemaps
  SEARCH: mapOf(tuple([int(), int()])), // packages.json: pkg → [recent, all]
};

/** The scribe queue (Secretary → Scribe). */
export const theScribeProtocol = defineProtocol('the_scribe', {
  recv: scribeRequests,
  send: {
    DONE: NoData,
  },
});

/**
 * The web queue (→ Secretary): the Scribe's requests, and piw-rebuild's `REBUILD [part, pkg]`, a PROJECT or
 * BOTH rewrite due at once rather than buffered (Mr Chase, behaviours 102–103).
 */
export const theSecretaryProtocol = defineProtocol('the_secretary', {
  recv: {
    ...scribeRequests,
    REBUILD: tuple([oneOf([literal('PROJECT'), literal('BOTH')]), str()]),
  },
  send: {
    DONE: NoData,
  },
});
