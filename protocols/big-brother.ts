/** `big_brother`: stats queue, Slave Driver / File Juggler / Mr Chase PUSH → Big Brother (protocols/README.md §4.8). */
import { defineProtocol, NoData } from './protocol.js';
import { int, mapOf, tuple } from './fields.js';

export const statsProtocol = defineProtocol('big_brother', {
  recv: {
    STATFS: tuple([int(), int()]), // disk_size, disk_free of the output path
    STATBQ: mapOf(int()), // abi → queue length
    HOME: NoData, // force the search index and home page
  },
  send: {},
});
