/**
 * The control queue, as a monitor writes to it (protocols/README.md §4.10): a PUSH socket, every message
 * validated by the monitors' view of `master_control` before it is sent. The monitor's actions map onto
 * 0.18's verbs: pause = SLEEP null, resume = WAKE null, kill = KILL id|null, skip = SKIP id|null, and
 * terminate = QUIT; HELLO asks the master to replay its state.
 */
import { monitorControlProtocol } from '../../protocols/master-control.js';
import type { ControlMessage } from '../../machines/farm/types.js';
import { createPushAdapter } from '../zmq/push.js';
import { monitorErrors } from './errors.js';

/** How long a control message may wait to be queued (the master's PULL holds 10). */
export const CONTROL_SEND_TIMEOUT_MS = 2000;

export interface ControlSender {
  /** Validates and sends; rejects with a ProtocolError (invalid) or MonitorError (not taken in time). */
  send(msg: ControlMessage): Promise<void>;
  close(): Promise<void>;
}

/** What a person asks for, as the control message that does it. */
export const controlFor = {
  hello: (): ControlMessage => ({ verb: 'HELLO' }),
  pause: (): ControlMessage => ({ verb: 'SLEEP', data: null }),
  resume: (): ControlMessage => ({ verb: 'WAKE', data: null }),
  kill: (slaveId: number | null): ControlMessage => ({ verb: 'KILL', data: slaveId }),
  skip: (slaveId: number | null): ControlMessage => ({ verb: 'SKIP', data: slaveId }),
  quit: (): ControlMessage => ({ verb: 'QUIT' }),
};

export function openControlSender(address: string, timeoutMs = CONTROL_SEND_TIMEOUT_MS): ControlSender {
  const push = createPushAdapter({ protocol: monitorControlProtocol, address, dropAfterMs: timeoutMs });
  return {
    async send(msg) {
      // push() encodes through monitorControlProtocol: an invalid message is refused before it is sent
      if (!(await push.push(msg))) {
        throw monitorErrors.controlTimeout(address, msg.verb, timeoutMs);
      }
    },
    close: () => push.close(),
  };
}
