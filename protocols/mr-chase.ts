/** `mr_chase`: piw-import / piw-remove / piw-rebuild (REQ) ⇄ Mr Chase (ROUTER), ipc (protocols.md §4.3). */
import { defineProtocol, NoData } from './protocol.js';
import { literal, nullable, str, taggedTuple, tuple } from './fields.js';
import { buildState } from './records.js';

export const mrChaseProtocol = defineProtocol('mr_chase', {
  // IMPORT carries a build state: as large as a slave's BUILT.
  maxFrame: 32 << 20,
  recv: {
    IMPORT: buildState,
    REMOVE: tuple([str(), nullable(str()), str()]), // package, version (null = whole package), skip reason ("" = delete)
    REBUILD: taggedTuple(0, [
      tuple([literal('HOME')]),
      tuple([literal('SEARCH')]),
      tuple([literal('PROJECT'), nullable(str())]), // null package = every package
      tuple([literal('BOTH'), nullable(str())]),
    ]),
    SENT: NoData,
  },
  send: {
    SEND: str(), // filename
    ERROR: str(),
    DONE: NoData,
  },
});

/** The tools' view. */
export const importerProtocol = mrChaseProtocol.mirror();
