/**
 * What the master does with each message of its control queue (protocols/README.md §4.10, behaviours 25, 29–32),
 * with 0.18's log lines:
 *
 *   HELLO         "sending status to new monitor": publish the master HELLO, then ask Big Brother to replay
 *                 its stats history and the Slave Driver to replay every slave (§5's order)
 *   KILL / SKIP   for one slave or (null) all of them: passed to the Slave Driver
 *   SLEEP / WAKE  for one slave: passed on; null: also pause / resume every task of the master
 *   QUIT          "shutting down on QUIT message": the master stops
 */
import type { MasterHelloWire } from '../../protocols/records.js';
import type { Message } from '../../protocols/protocol.js';
import type { masterControlProtocol } from '../../protocols/master-control.js';
import { bigBrotherControlQueue } from '../big-brother/control.js';
import type { Bus } from '../runtime/bus.js';
import type { Logger } from '../runtime/logger.js';
import { queues } from '../runtime/queues.js';
import { slaveDriverControlQueue } from '../slave-driver/control.js';

export type ControlMessage = Message<(typeof masterControlProtocol)['recv']>;

export interface ControlDeps {
  bus: Bus;
  log: Logger;
  hello: MasterHelloWire;
  pause(): void;
  resume(): void;
  quit(reason: string): void;
}

/** As 0.18 logs a received message: `<< KILL 3`, `<< QUIT None`. */
export function describeControl(msg: ControlMessage): string {
  return `<< ${msg.verb} ${msg.data === undefined || msg.data === null ? 'None' : String(msg.data)}`;
}

const ALL_LINES = { KILL: 'killing all slaves', SKIP: 'skipping all slaves', SLEEP: 'sleeping all slaves and master', WAKE: 'waking all slaves and master' };
const ONE_LINES = { KILL: 'killing slave', SKIP: 'skipping slave', SLEEP: 'sleeping slave', WAKE: 'waking slave' };

export function handleControl(msg: ControlMessage, deps: ControlDeps): void {
  const { bus, log } = deps;
  log.debug(describeControl(msg));
  switch (msg.verb) {
    case 'HELLO':
      log.warn('sending status to new monitor');
      bus.publish(queues.status, { verb: 'HELLO', data: deps.hello });
      pushOrWarn(bus.push(bigBrotherControlQueue, { verb: 'STATS' }), log, 'Big Brother');
      pushOrWarn(bus.push(slaveDriverControlQueue, { verb: 'HELLO' }), log, 'the Slave Driver');
      return;
    case 'QUIT':
      log.warn('shutting down on QUIT message');
      deps.quit('QUIT message');
      return;
    default: {
      const id = msg.data;
      if (id === null) {
        log.warn(ALL_LINES[msg.verb]);
        if (msg.verb === 'SLEEP') deps.pause();
        if (msg.verb === 'WAKE') deps.resume();
      } else {
        log.warn(`${ONE_LINES[msg.verb]} ${id}`);
      }
      pushOrWarn(bus.push(slaveDriverControlQueue, { verb: msg.verb, data: id }), log, 'the Slave Driver');
    }
  }
}

function pushOrWarn(pushed: boolean, log: Logger, who: string): void {
  if (!pushed) log.warn(`the control queue of ${who} is full (is it running?); the message is dropped`);
}
