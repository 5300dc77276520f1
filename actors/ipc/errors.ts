/** Why an ipc socket or its directory is refused, with stable codes (checks.ts). */
import { defineErrors, PiwError } from '../../protocols/errors.js';

export class IpcError extends PiwError {}

export const ipcErrors = defineErrors(IpcError, {
  unsafeDir: [
    'PIW_ERR_IPC_UNSAFE_DIR',
    (dir: string, why: string) => `refusing the ipc directory ${dir}: ${why}; anyone able to write there could impersonate the master`,
  ],
  squatted: [
    'PIW_ERR_IPC_SQUATTED',
    (address: string, owner: string, expected: string) =>
      `refusing ${address}: the socket belongs to ${owner}, not to ${expected}; someone else may have bound it before the master ` +
      '(remove it as root, or use another address)',
  ],
  notSocket: ['PIW_ERR_IPC_NOT_SOCKET', (address: string, path: string) => `refusing ${address}: ${path} is not a socket`],
  noSocket: [
    'PIW_ERR_IPC_NO_SOCKET',
    (address: string, dir: string) =>
      `no master is listening at ${address}, and ${dir} is a directory anybody can write to: start piw-master first ` +
      '(a socket made there later could be anyone’s)',
  ],
  inUse: ['PIW_ERR_IPC_IN_USE', (address: string) => `another master is already listening at ${address}`],
});
