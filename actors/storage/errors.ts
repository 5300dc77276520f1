/** How object storage can fail, with stable codes; messages name the container and the object. */
import { PiwError } from '../../protocols/errors.js';

export type StorageErrorCode =
  /** A container given in a form no provider understands, or an option that does not fit it. */
  | 'PIW_ERR_STORAGE_CONTAINER'
  /** An object key that could escape the container or is not a plain relative path. */
  | 'PIW_ERR_STORAGE_KEY'
  /** The provider refused or failed a request (credentials, network, server). */
  | 'PIW_ERR_STORAGE_REQUEST'
  /** The object is not there. */
  | 'PIW_ERR_STORAGE_MISSING';

export class StorageError extends PiwError {
  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'StorageError';
  }
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const storageErrors = {
  container: (message: string) => new StorageError('PIW_ERR_STORAGE_CONTAINER', message),
  key: (key: string, why: string) => new StorageError('PIW_ERR_STORAGE_KEY', `invalid object name ${JSON.stringify(key)}: ${why}`),
  request: (what: string, where: string, cause: unknown) =>
    new StorageError('PIW_ERR_STORAGE_REQUEST', `${what} failed on ${where}: ${describe(cause)}`, { cause }),
  missing: (key: string, where: string) => new StorageError('PIW_ERR_STORAGE_MISSING', `${key} is not in ${where}`),
};
