/** The File Juggler: file transfers from slaves and piw-import into `<output>/simple/<package>/`. */
export { FileJuggler, DEFAULT_FILE_QUEUE, DEFAULT_CLAIM_TIMEOUT_MS, type FileJugglerOptions, type TransferInfo } from './file-juggler.js';
export { fileJugglerTask, type FileJugglerInput } from './task.js';
export { DEFAULT_MAX_FILE_SIZE, checkExpectedFile, checkPackage } from './file-checks.js';
export { commitWheel, type Committed } from './commit.js';
export { IncomingFile, TEMP_PREFIX, isTempName, type IncomingFiles } from './incoming-file.js';
export { StagingPool, STAGE_SIZE } from './staging-pool.js';
export { FileHasher, type Digest, type HashJob } from './file-hasher.js';
export { WriteQueue } from './write-queue.js';
export { diskStats } from './disk-stats.js';
export { FileJugglerError, fileJugglerErrors } from './errors.js';
