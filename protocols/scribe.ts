/** `the_scribe`: web queue (clients ⇄ Secretary) and scribe queue (Secretary ⇄ Scribe) (protocols/README.md §4.5). */
import { defineProtocol, NoData } from './protocol.js';
import { int, mapOf, str, tuple } from './fields.js';
import { masterStats } from './records.js';

export const theScribeProtocol = defineProtocol('the_scribe', {
  recv: {
    PROJECT: str(), // rewrite the project page
    BOTH: str(), // rewrite the simple package index and the project page
    DELVER: tuple([str(), str()]),
    DELPKG: str(),
    HOME: masterStats, // home page and sitemaps
    SEARCH: mapOf(tuple([int(), int()])), // packages.json: pkg → [recent, all]
  },
  send: {
    DONE: NoData,
  },
});
