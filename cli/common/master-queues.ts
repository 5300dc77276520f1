/**
 * The two queues a watcher of the master uses (piw-monitor, piw-sense): `--status-queue` and
 * `--control-queue` (environment PIW_STATUS_QUEUE, PIW_CONTROL_QUEUE; keys `status_queue`,
 * `control_queue`), defaulting to the master's own addresses, and the client that follows them.
 */
import { Option } from 'clipanion';
import { DEFAULT_CONTROL_QUEUE, DEFAULT_STATUS_QUEUE } from '../../actors/master/config.js';
import { checkIpcPeer } from '../../actors/ipc/index.js';
import { createMonitorClient, type MonitorClient } from '../../actors/monitor/index.js';
import type { Logger } from '../../actors/runtime/logger.js';
import { address } from '../master-link/tool-command.js';

/** Entries of a command's valibot schema. */
export const masterQueueEntries = {
  statusQueue: address(DEFAULT_STATUS_QUEUE),
  controlQueue: address(DEFAULT_CONTROL_QUEUE),
};

export const MASTER_QUEUE_METAVARS = { '--status-queue': 'ADDR', '--control-queue': 'ADDR' };

export const statusQueueOption = () =>
  Option.String('--status-queue', { description: `The address of the queue used to report status to monitors (default: ${DEFAULT_STATUS_QUEUE})` });
export const controlQueueOption = () =>
  Option.String('--control-queue', { description: `The address of the queue a monitor can use to control the master (default: ${DEFAULT_CONTROL_QUEUE})` });

/** The option entries of a command's settings(), from what was given on the command line. */
export function masterQueueSettings(given: { statusQueue: string | undefined; controlQueue: string | undefined }) {
  return {
    statusQueue: { flag: '--status-queue', given: given.statusQueue, env: 'PIW_STATUS_QUEUE' },
    controlQueue: { flag: '--control-queue', given: given.controlQueue, env: 'PIW_CONTROL_QUEUE' },
  };
}

/**
 * A client of the master at these queues, once both are known to be the master user's own sockets
 * (actors/ipc): another user's would show a forged farm and take our commands.
 */
export async function followMaster(queues: { statusQueue: string; controlQueue: string }, log: Logger): Promise<MonitorClient> {
  await checkIpcPeer(queues.statusQueue);
  await checkIpcPeer(queues.controlQueue);
  return createMonitorClient({ statusQueue: queues.statusQueue, controlQueue: queues.controlQueue, log });
}
