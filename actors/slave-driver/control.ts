/**
 * The Slave Driver's own control verbs (protocols/README.md §4.10–4.11, behaviours 29–32, 65–71): the master
 * forwards a monitor's HELLO, KILL, SLEEP, SKIP and WAKE here. PAUSE, RESUME and QUIT are task control and
 * reach the task through its supervisor, so they are not part of this queue.
 */
import { masterControlProtocol } from '../../protocols/master-control.js';
import { defineProtocol, NoData, type Message } from '../../protocols/protocol.js';
import { defineQueue } from '../runtime/queues.js';

const { KILL, SLEEP, SKIP, WAKE } = masterControlProtocol.recv;

export const slaveControlProtocol = defineProtocol('slave_driver_control', {
  recv: { HELLO: NoData, KILL, SLEEP, SKIP, WAKE },
  send: {},
});

/** Master → Slave Driver: push, HWM 10 like 0.18's inproc://ctrl-<name>. */
export const slaveDriverControlQueue = defineQueue('slave_driver_control', slaveControlProtocol, { hwm: 10 });

export type SlaveControlMessage = Message<(typeof slaveControlProtocol)['recv']>;
