/** `cloud_gazer`: skip queue, Cloud Gazer / Mr Chase → Slave Driver (protocols/README.md §4.6). */
import { defineProtocol, NoData } from './protocol.js';
import { str, tuple } from './fields.js';

// Declared from the binding (Slave Driver) side like every other protocol.
export const skipProtocol = defineProtocol('cloud_gazer', {
  recv: {
    DELVER: tuple([str(), str()]),
    DELPKG: str(),
  },
  send: {
    OK: NoData,
  },
});
