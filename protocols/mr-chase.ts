/** `mr_chase`: piw-import / piw-remove / piw-rebuild / piw-add (REQ) ⇄ Mr Chase (ROUTER), ipc (protocols/README.md §4.3). */
import { defineProtocol, maybeData, NoData } from './protocol.js';
import { bool, datetime, list, literal, nullable, str, taggedTuple, tuple } from './fields.js';
import { buildState } from './records.js';

/** What Mr Chase answers piw-add's DONE with (piwheels 0.19's words). */
export const ADD_ACTIONS = ['NEWPKG', 'UPDPKG', 'NEWVER', 'UPDVER'] as const;
/** piw-add's refusals as piwheels 0.19 sends them in ERROR (its piw-add turns each into a sentence). */
export const ADD_REFUSALS = ['NOPKG', 'SKIPPKG', 'SKIPVER'] as const;

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
    // piw-add (piwheels 0.19+, LATER in protocols/README.md): package (as displayed), description, skip reason, unskip, aliases
    ADDPKG: tuple([str(), str(), str(), bool(), list(str())]),
    // package, version, skip reason, unskip, released, yank, unyank, aliases
    ADDVER: tuple([str(), str(), str(), bool(), datetime(), bool(), bool(), list(str())]),
    SENT: NoData,
  },
  send: {
    SEND: str(), // filename
    ERROR: str(),
    // bare for 0.18's IMPORT / REMOVE / REBUILD (their tools validate it so); the action done for ADDPKG / ADDVER
    DONE: maybeData(str()),
  },
});

/** The tools' view. */
export const importerProtocol = mrChaseProtocol.mirror();
