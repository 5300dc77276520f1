/** `slave_driver`: piw-slave (REQ) ⇄ Slave Driver (ROUTER), tcp 5555 (protocols/README.md §4.1). */
import { defineProtocol, NoData } from './protocol.js';
import { bool, int, list, str, timedelta, tuple } from './fields.js';
import { fileState, slaveHello, slaveStats } from './records.js';

/**
 * The longest build output a slave sends, in bytes of UTF-8: piw-slave cuts a longer pip log to its first
 * and last halves of this (a 0.18 slave sends it whole; up to MAX_FRAME it still gets through).
 */
export const MAX_BUILD_OUTPUT = 16 << 20;

export const slaveDriverProtocol = defineProtocol('slave_driver', {
  // BUILT is the largest message: its output, and the file list (a few hundred bytes a wheel).
  maxFrame: 32 << 20,
  recv: {
    HELLO: slaveHello,
    BYE: NoData,
    IDLE: slaveStats,
    BUSY: slaveStats,
    BUILT: tuple([bool(), timedelta(), str(), list(fileState)]), // status, duration, output, files
    SENT: NoData,
  },
  send: {
    ACK: tuple([int(), str()]), // slave_id, pypi_simple_url
    SLEEP: bool(), // true: master paused; false: nothing to build
    BUILD: tuple([str(), str()]), // package, version
    CONT: NoData,
    SEND: str(), // filename
    DONE: NoData,
    DIE: NoData,
  },
});

/** The slave's view of the same protocol. */
export const slaveClientProtocol = slaveDriverProtocol.mirror();
