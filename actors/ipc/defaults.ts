/**
 * Where the master's ipc sockets are by default: the one place every command (piw-master, piw-import,
 * piw-remove, piw-rebuild, piw-logger, piw-monitor, piw-sense) takes its default addresses from, so they
 * always meet. 0.18 put them straight in world-writable /tmp, where any local user could bind
 * `/tmp/piw-import` before the master and answer the tools in its place. Now they live in a directory only
 * the master's user (and, under systemd, its group: monitors) can enter, the first of:
 *
 *   $PIW_IPC_DIR          the operator's choice
 *   $RUNTIME_DIRECTORY    what systemd made for the unit's RuntimeDirectory=piwheels (piw-master's unit)
 *   /run/piwheels         when it exists: the master runs under systemd, and these are its tools
 *   /tmp/piwheels-<uid>   otherwise: private to this user (mode 0700, made by the master), as tmux does
 *
 * Inside it the sockets keep 0.18's names (piw-status, piw-control, piw-import, piw-logger). 0.18's own
 * addresses still work when given explicitly (`--import-queue ipc:///tmp/piw-import`): checks.ts decides
 * whether a socket can be trusted wherever it is.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The directory systemd makes for `RuntimeDirectory=piwheels`. */
export const SYSTEM_IPC_DIR = '/run/piwheels';

/** 0.18's addresses, for configurations (and 0.18 tools and monitors) that name them. */
export const LEGACY_QUEUES = {
  status: 'ipc:///tmp/piw-status',
  control: 'ipc:///tmp/piw-control',
  import: 'ipc:///tmp/piw-import',
  log: 'ipc:///tmp/piw-logger',
} as const;

export type IpcDirectorySource = 'PIW_IPC_DIR' | 'RUNTIME_DIRECTORY' | 'system' | 'user';

export interface IpcDirectory {
  path: string;
  /** Which rule chose it; only a 'user' directory is made by the master itself (mode 0700). */
  source: IpcDirectorySource;
}

export interface IpcDirectoryOptions {
  env?: NodeJS.ProcessEnv;
  /** The effective user id (default: this process's). */
  uid?: number;
  /** Whether a path exists (default: the file system's answer). */
  exists?: (p: string) => boolean;
}

/** The default ipc directory for this process (see the rules above). */
export function defaultIpcDirectory(opts: IpcDirectoryOptions = {}): IpcDirectory {
  const env = opts.env ?? process.env;
  const exists = opts.exists ?? existsSync;
  if (env.PIW_IPC_DIR) return { path: env.PIW_IPC_DIR, source: 'PIW_IPC_DIR' };
  // systemd lists every RuntimeDirectory= of the unit, colon-separated; ours is the one named piwheels.
  const runtime = (env.RUNTIME_DIRECTORY ?? '').split(':').find((dir) => path.basename(dir) === 'piwheels');
  if (runtime !== undefined) return { path: runtime, source: 'RUNTIME_DIRECTORY' };
  if (exists(SYSTEM_IPC_DIR)) return { path: SYSTEM_IPC_DIR, source: 'system' };
  const uid = opts.uid ?? process.geteuid?.() ?? 0;
  return { path: `/tmp/piwheels-${uid}`, source: 'user' };
}

/** The socket file of an ipc:// address; undefined for other transports. */
export function ipcPath(address: string): string | undefined {
  return address.startsWith('ipc://') ? address.slice('ipc://'.length) : undefined;
}

/** The ipc:// address of socket `name` in `dir`. */
export const ipcAddress = (dir: string, name: string) => `ipc://${path.join(dir, name)}`;

/** This process's default ipc directory, decided once at start-up. */
export const DEFAULT_IPC_DIR = defaultIpcDirectory();

/** --status-queue: the master's PUB to monitors. */
export const DEFAULT_STATUS_QUEUE = ipcAddress(DEFAULT_IPC_DIR.path, 'piw-status');
/** --control-queue: monitors' PUSH to the master. */
export const DEFAULT_CONTROL_QUEUE = ipcAddress(DEFAULT_IPC_DIR.path, 'piw-control');
/** --import-queue: piw-import, piw-remove and piw-rebuild talk to the master here (protocols/README.md §2). */
export const DEFAULT_IMPORT_QUEUE = ipcAddress(DEFAULT_IPC_DIR.path, 'piw-import');
/** --log-queue: piw-logger's PUSH to the master. */
export const DEFAULT_LOG_QUEUE = ipcAddress(DEFAULT_IPC_DIR.path, 'piw-logger');
