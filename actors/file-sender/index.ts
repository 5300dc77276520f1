/** The client side of a file transfer: piw-slave and piw-import send one file to the File Juggler. */
export { sendFile, type SendFileOptions, type SendFileResult } from './send-file.js';
export { FileSenderError, fileSenderErrors } from './errors.js';
