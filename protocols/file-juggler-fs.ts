/** `file_juggler_fs`: Slave Driver / Mr Chase ⇄ File Juggler (protocols/README.md §4.2). */
import { defineProtocol } from './protocol.js';
import { anything, int, str, tuple } from './fields.js';
import { fileState } from './records.js';

export const fileJugglerFsProtocol = defineProtocol('file_juggler_fs', {
  recv: {
    EXPECT: tuple([int(), fileState]), // slave_id (0 for imports), file
    VERIFY: tuple([int(), str()]), // slave_id, package
  },
  send: {
    OK: anything(),
    ERROR: str(),
  },
});
