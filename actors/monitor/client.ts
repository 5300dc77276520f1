/**
 * The monitor client piw-monitor and piw-sense share: it follows a master's status queue into the farm
 * model (machines/farm) and sends the master control messages. Face-agnostic: a face subscribes to
 * `client.farm` and renders what machines/farm's views derive from its snapshots.
 *
 *   const client = createMonitorClient({ statusQueue, controlQueue, log });
 *   client.farm.subscribe((snapshot) => draw(snapshot));     // an xstate actor of farmMachine
 *   await client.pause();  await client.kill(slaveId);  await client.quit();
 *   await client.close();
 *
 * What it does for the model:
 *   - SUB to the status queue (everything), the messages of each 50 ms as one STATUS event;
 *   - LINK_UP / LINK_DOWN as ZeroMQ connects and loses the master (it keeps reconnecting by itself);
 *   - HELLO on the control queue `helloDelayMs` after each connection (0.18's monitor waits 1 s so that
 *     its subscription has reached the master before the replay starts), again every `helloRetryMs`
 *     while connected and still not hearing anything;
 *   - TICK with the clock every `tickMs`;
 *   - CONTROL for each control message sent, once the control queue has taken it.
 * Control messages are refused (MonitorError PIW_ERR_MONITOR_NO_MASTER) while no master is connected:
 * a queued KILL or QUIT would otherwise reach whichever master starts next.
 */
import { createActor, type Actor } from 'xstate';
import { farmMachine, linkState } from '../../machines/farm/index.js';
import type { ControlMessage } from '../../machines/farm/types.js';
import type { Logger } from '../runtime/logger.js';
import type { Receiver } from '../zmq/pull.js';
import { controlFor, openControlSender, type ControlSender } from './control-sender.js';
import { monitorErrors } from './errors.js';
import { openStatusFeed } from './status-feed.js';

export const HELLO_DELAY_MS = 1000;
export const HELLO_RETRY_MS = 5000;
export const TICK_MS = 1000;

export interface MonitorClientOptions {
  statusQueue: string;
  controlQueue: string;
  /** Where undecodable status messages and failed sends are reported. */
  log: Logger;
  /** The clock stamped on every event (default Date.now). */
  clock?: () => number;
  tickMs?: number;
  helloDelayMs?: number;
  helloRetryMs?: number;
  /** ZMTP heartbeat on the status socket (default 5 s). */
  heartbeatMs?: number;
}

export interface MonitorClient {
  readonly statusQueue: string;
  readonly controlQueue: string;
  /** The farm model, started; subscribe to it. */
  readonly farm: Actor<typeof farmMachine>;
  /** Validates and sends any control message, then tells the model. */
  send(msg: ControlMessage): Promise<void>;
  /** SLEEP null: pause the master and every slave. */
  pause(): Promise<void>;
  /** WAKE null. */
  resume(): Promise<void>;
  /** KILL: the slave (null: every slave) gets DIE at its next IDLE. */
  kill(slaveId: number | null): Promise<void>;
  /** SKIP: abandon the slave's (null: every slave's) current build. */
  skip(slaveId: number | null): Promise<void>;
  /** QUIT: the master stops. */
  quit(): Promise<void>;
  /** Stops following (the sockets close, the model stops). */
  close(): Promise<void>;
}

export function createMonitorClient(opts: MonitorClientOptions): MonitorClient {
  const clock = opts.clock ?? Date.now;
  const helloDelayMs = opts.helloDelayMs ?? HELLO_DELAY_MS;
  const helloRetryMs = opts.helloRetryMs ?? HELLO_RETRY_MS;
  const farm = createActor(farmMachine, { input: { now: clock() } }).start();
  const control: ControlSender = openControlSender(opts.controlQueue);
  let closed = false;
  let helloTimer: NodeJS.Timeout | undefined;

  const sayHello = () => {
    helloTimer = undefined;
    if (closed) return;
    control.send(controlFor.hello()).catch((err: unknown) => opts.log.warn(`unable to ask the master for its state: ${(err as Error).message}`));
    helloTimer = setTimeout(() => {
      // still nothing heard: the HELLO (or its replay) was lost, ask again
      if (linkState(farm.getSnapshot()) === 'asking') sayHello();
      else helloTimer = undefined;
    }, helloRetryMs);
  };

  const feed: Receiver = openStatusFeed({
    address: opts.statusQueue,
    log: opts.log,
    ...(opts.heartbeatMs === undefined ? {} : { heartbeatMs: opts.heartbeatMs }),
    onMessages: (messages) => {
      if (!closed) farm.send({ type: 'STATUS', at: clock(), messages });
    },
    onLink: (up) => {
      if (closed) return;
      clearTimeout(helloTimer);
      helloTimer = up ? setTimeout(sayHello, helloDelayMs) : undefined;
      farm.send({ type: up ? 'LINK_UP' : 'LINK_DOWN', at: clock() });
    },
  });
  const ticker = setInterval(() => farm.send({ type: 'TICK', now: clock() }), opts.tickMs ?? TICK_MS);

  const send = async (msg: ControlMessage) => {
    if (closed) throw monitorErrors.closed();
    if (msg.verb !== 'HELLO' && linkState(farm.getSnapshot()) === 'absent') {
      throw monitorErrors.noMaster(opts.statusQueue, msg.verb);
    }
    await control.send(msg);
    farm.send({ type: 'CONTROL', at: clock(), msg });
  };

  return {
    statusQueue: opts.statusQueue,
    controlQueue: opts.controlQueue,
    farm,
    send,
    pause: () => send(controlFor.pause()),
    resume: () => send(controlFor.resume()),
    kill: (slaveId) => send(controlFor.kill(slaveId)),
    skip: (slaveId) => send(controlFor.skip(slaveId)),
    quit: () => send(controlFor.quit()),
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(helloTimer);
      clearInterval(ticker);
      await Promise.all([feed.close(), control.close()]);
      farm.stop();
    },
  };
}
