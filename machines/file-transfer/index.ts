/** The file-transfer protocol (protocols/README.md §6): the master's end, the client's end, and their pieces. */
export * from './master-transfer.js';
export * from './client-transfer.js';
export * from '../../protocols/file-transfer-ranges.js';
export * from './errors.js';
