/** Why an ipc socket or its directory is refused, with stable codes (checks.ts). */
import { PiwError } from '../../protocols/errors.js';

export type IpcErrorCode =
  /** The directory can be written by others than the master's user, or belongs to someone else. */
  | 'PIW_ERR_IPC_UNSAFE_DIR'
  /** The socket belongs to a user who is not the master's: someone else bound it first. */
  | 'PIW_ERR_IPC_SQUATTED'
  /** Something that is not a socket is where the socket should be. */
  | 'PIW_ERR_IPC_NOT_SOCKET'
  /** No socket yet, in a directory where anybody could make one (a tool will not wait there). */
  | 'PIW_ERR_IPC_NO_SOCKET'
  /** A master is already listening on the socket. */
  | 'PIW_ERR_IPC_IN_USE';

export class IpcError extends PiwError {
  constructor(code: IpcErrorCode, message: string) {
    super(code, message);
    this.name = 'IpcError';
  }
}

export const ipcErrors = {
  unsafeDir: (dir: string, why: string) =>
    new IpcError('PIW_ERR_IPC_UNSAFE_DIR', `refusing the ipc directory ${dir}: ${why}; anyone able to write there could impersonate the master`),
  squatted: (address: string, owner: string, expected: string) =>
    new IpcError(
      'PIW_ERR_IPC_SQUATTED',
      `refusing ${address}: the socket belongs to ${owner}, not to ${expected}; someone else may have bound it before the master ` +
        '(remove it as root, or use another address)',
    ),
  notSocket: (address: string, path: string) => new IpcError('PIW_ERR_IPC_NOT_SOCKET', `refusing ${address}: ${path} is not a socket`),
  noSocket: (address: string, dir: string) =>
    new IpcError(
      'PIW_ERR_IPC_NO_SOCKET',
      `no master is listening at ${address}, and ${dir} is a directory anybody can write to: start piw-master first ` +
        '(a socket made there later could be anyone’s)',
    ),
  inUse: (address: string) => new IpcError('PIW_ERR_IPC_IN_USE', `another master is already listening at ${address}`),
};
