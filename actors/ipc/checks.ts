/**
 * Whose socket is this? The checks that keep a local user from standing in for the master on its ipc
 * queues. Ownership and mode are looked at before anything is bound or connected:
 *
 *   prepareIpcBind(address)   the master, before it binds: makes its private default directory (0700) if
 *                             need be; refuses a directory others can write to or that belongs to someone
 *                             else, a socket file someone else made (a squatter: 0.18 then failed with
 *                             "address in use"), something that is not a socket, and a socket another
 *                             master is listening on. Its own stale socket is left for ZeroMQ to replace.
 *   inspectIpcPeer(address)   a tool, before it connects: the directory must be writable by its owner only
 *                             (or sticky, like /tmp, where nobody can replace another's file) and the socket
 *                             must belong to a trusted user; resolves whether the socket is there yet
 *   checkIpcPeer(address)     the same for tools that connect and wait (piw-logger, monitors): no socket yet
 *                             is fine in a private directory, refused in a shared one (/tmp), where a socket
 *                             made later could be anyone's
 *
 * Trusted users, for a tool: itself, root, and the owner of a directory that only root could have given
 * them — one whose parent belongs to root and is writable by root only, as systemd's /run/piwheels (made
 * for the unit's User=). So the master's own user, a monitor in its group and root's piped piw-logger all
 * trust the master under systemd; elsewhere a tool trusts sockets of its own user (the manual runs the
 * tools as the master's user). tcp:// addresses are not looked at.
 */
import { lstat, mkdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { DEFAULT_IPC_DIR, ipcPath, type IpcDirectory } from './defaults.js';
import { ipcErrors } from './errors.js';
import { describeUser, describeUsers } from './owners.js';

const STICKY = 0o1000;
const WRITABLE_BY_OTHERS = 0o022;

export interface IpcCheckOptions {
  /** The effective user id (default: this process's). */
  euid?: number;
  /** The default ipc directory (default: this process's, from defaults.ts). */
  defaultDir?: IpcDirectory;
  /** prepareIpcBind: make the private default directory if it is missing (default true; false only checks). */
  create?: boolean;
}

const euidOf = (opts: IpcCheckOptions) => opts.euid ?? process.geteuid?.() ?? 0;

async function statOrNull(p: string, follow = true): Promise<Stats | null> {
  try {
    return follow ? await stat(p) : await lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw err;
  }
}

const isSticky = (s: Stats) => (s.mode & STICKY) !== 0;
const othersMayWrite = (s: Stats) => (s.mode & WRITABLE_BY_OTHERS) !== 0;

/** Only root could have made (or given away) what is in `dir`. */
async function rootControlled(dir: string): Promise<boolean> {
  const s = await statOrNull(dir);
  return s !== null && s.uid === 0 && !othersMayWrite(s);
}

/** The users a tool believes: itself, root, and owners of private directories root handed out. */
async function trustedOwners(euid: number, dirs: string[]): Promise<Set<number>> {
  const trusted = new Set([euid, 0]);
  for (const dir of dirs) {
    const s = await statOrNull(dir);
    if (s !== null && s.isDirectory() && !othersMayWrite(s) && (await rootControlled(path.dirname(dir)))) trusted.add(s.uid);
  }
  return trusted;
}

/** The directory itself, or the nearest ancestor that exists (its real path). */
async function nearestExisting(dir: string): Promise<{ real: string; exists: boolean }> {
  for (let d = path.resolve(dir), exists = true; ; d = path.dirname(d), exists = false) {
    try {
      return { real: await realpath(d), exists };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || d === path.dirname(d)) throw err;
    }
  }
}

export interface PeerState {
  /** The socket is there (and trusted). */
  present: boolean;
  /** Its directory is shared (sticky and world-writable, like /tmp): anyone may put a socket there later. */
  shared: boolean;
}

/** A tool's checks before it connects (see above); tcp:// and other transports are not looked at. */
export async function inspectIpcPeer(address: string, opts: IpcCheckOptions = {}): Promise<PeerState> {
  const file = ipcPath(address);
  if (file === undefined) return { present: true, shared: false };
  const euid = euidOf(opts);
  const { real: dir, exists } = await nearestExisting(path.dirname(file));
  const defaultDir = opts.defaultDir ?? DEFAULT_IPC_DIR;
  const trusted = await trustedOwners(euid, [dir, path.resolve(defaultDir.path)]);
  const dirStat = (await statOrNull(dir))!;
  const shared = isSticky(dirStat);
  if (!shared) {
    if (othersMayWrite(dirStat)) throw ipcErrors.unsafeDir(dir, 'it is writable by others than its owner');
    if (!trusted.has(dirStat.uid)) {
      throw ipcErrors.unsafeDir(dir, `it belongs to ${describeUser(dirStat.uid)}, not to ${describeUsers(trusted)}`);
    }
  }
  // A missing directory in a shared one could still be made by anyone.
  if (!exists) return { present: false, shared };
  const socket = await statOrNull(file, false);
  if (socket === null) return { present: false, shared };
  if (!socket.isSocket()) throw ipcErrors.notSocket(address, file);
  if (!trusted.has(socket.uid)) throw ipcErrors.squatted(address, describeUser(socket.uid), describeUsers(trusted));
  return { present: true, shared };
}

/** For tools that connect and wait: as inspectIpcPeer, and no socket yet is refused in a shared directory. */
export async function checkIpcPeer(address: string, opts: IpcCheckOptions = {}): Promise<void> {
  const { present, shared } = await inspectIpcPeer(address, opts);
  if (!present && shared) throw ipcErrors.noSocket(address, path.dirname(ipcPath(address)!));
}

/**
 * Whether something keeps accepting connections on the unix socket at `file`. A ZeroMQ socket closed a
 * moment ago (a task stopped and started again, a test's second master) may still accept for a few
 * milliseconds: libzmq closes its listener on its I/O thread after `close()` returns, later under load. So
 * one that accepts is asked again, for up to a second, before it counts as another master.
 */
async function stillListening(file: string): Promise<boolean> {
  for (let probe = 0; probe < 10; probe++) {
    if (!(await listening(file))) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** Whether something accepts connections on the unix socket at `file`. */
function listening(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path: file });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => {
      probe.destroy();
      resolve(false);
    });
  });
}

/** The master's checks before it binds `address` (see above); makes its private default directory. */
export async function prepareIpcBind(address: string, opts: IpcCheckOptions = {}): Promise<void> {
  const file = ipcPath(address);
  if (file === undefined) return;
  const euid = euidOf(opts);
  const defaultDir = opts.defaultDir ?? DEFAULT_IPC_DIR;
  const dir = path.dirname(path.resolve(file));
  const isDefault = dir === path.resolve(defaultDir.path);
  if (isDefault && opts.create !== false && (defaultDir.source === 'user' || defaultDir.source === 'PIW_IPC_DIR')) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  // The default directory must be the real thing: /tmp/piwheels-<uid> could be anyone's symlink.
  const dirStat = await statOrNull(dir, !isDefault);
  if (dirStat === null) return; // ZeroMQ says "No such file or directory", naming the address
  if (!dirStat.isDirectory()) throw ipcErrors.unsafeDir(dir, 'it is not a directory');
  if (!isSticky(dirStat)) {
    if (othersMayWrite(dirStat)) throw ipcErrors.unsafeDir(dir, 'it is writable by others than its owner');
    const owners = isDefault ? [euid] : [euid, 0];
    if (!owners.includes(dirStat.uid)) throw ipcErrors.unsafeDir(dir, `it belongs to ${describeUser(dirStat.uid)}, not to ${describeUsers(owners)}`);
  }
  const socket = await statOrNull(file, false);
  if (socket === null) return;
  if (!socket.isSocket()) throw ipcErrors.notSocket(address, file);
  if (socket.uid !== euid) throw ipcErrors.squatted(address, describeUser(socket.uid), describeUser(euid));
  if (await stillListening(file)) throw ipcErrors.inUse(address);
}
