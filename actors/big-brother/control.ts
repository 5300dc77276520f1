/**
 * Big Brother's own control verb (protocols/README.md §4.11, `big_brother_control`): STATS replays the stats
 * history on the status queue (behaviour 163), sent by the master when a monitor says HELLO. PAUSE, RESUME
 * and QUIT reach the task through its supervisor, so they are not part of this queue.
 */
import { bigBrotherControlProtocol } from '../../protocols/master-control.js';
import { defineProtocol, type Message } from '../../protocols/protocol.js';
import { defineQueue } from '../runtime/queues.js';

export const statsControlProtocol = defineProtocol('big_brother_control', {
  recv: { STATS: bigBrotherControlProtocol.recv.STATS },
  send: {},
});

/** Master → Big Brother: push, HWM 10 like 0.18's inproc://ctrl-<name>. */
export const bigBrotherControlQueue = defineQueue('big_brother_control', statsControlProtocol, { hwm: 10 });

export type BigBrotherControlMessage = Message<(typeof statsControlProtocol)['recv']>;
