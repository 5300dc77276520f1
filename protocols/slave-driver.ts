/** `slave_driver`: piw-slave (REQ) ⇄ Slave Driver (ROUTER), tcp 5555 (protocols.md §4.1). */
import { defineProtocol, NoData } from './protocol.js';
import { bool, int, list, str, timedelta, tuple } from './fields.js';
import { fileState, slaveHello, slaveStats } from './records.js';

export const slaveDriverProtocol = defineProtocol('slave_driver', {
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
