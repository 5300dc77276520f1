/** The master's ipc sockets: where they are by default, and whose they must be. */
export {
  DEFAULT_CONTROL_QUEUE,
  DEFAULT_IMPORT_QUEUE,
  DEFAULT_IPC_DIR,
  DEFAULT_LOG_QUEUE,
  DEFAULT_STATUS_QUEUE,
  LEGACY_QUEUES,
  SYSTEM_IPC_DIR,
  defaultIpcDirectory,
  ipcAddress,
  ipcPath,
  type IpcDirectory,
  type IpcDirectorySource,
} from './defaults.js';
export { checkIpcPeer, inspectIpcPeer, prepareIpcBind, type IpcCheckOptions, type PeerState } from './checks.js';
export { IpcError, ipcErrors } from './errors.js';
