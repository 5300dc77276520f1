/** How object storage can fail, with stable codes; messages name the container and the object. */
import { defineErrors, messageOf, PiwError } from '../../protocols/errors.js';

export class StorageError extends PiwError {}

export const storageErrors = defineErrors(StorageError, {
  container: ['PIW_ERR_STORAGE_CONTAINER', (message: string) => message],
  key: ['PIW_ERR_STORAGE_KEY', (key: string, why: string) => `invalid object name ${JSON.stringify(key)}: ${why}`],
  request: [
    'PIW_ERR_STORAGE_REQUEST',
    (what: string, where: string, cause: unknown) => ({ message: `${what} failed on ${where}: ${messageOf(cause)}`, cause }),
  ],
  missing: ['PIW_ERR_STORAGE_MISSING', (key: string, where: string) => `${key} is not in ${where}`],
});
