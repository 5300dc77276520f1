/** How the wheelhouse's uploads, fetches and syncs fail, with stable codes. */
import { PiwError } from '../../protocols/errors.js';

export type WheelhouseErrorCode =
  /** The local folder is missing, unreadable or holds nothing to upload. */
  | 'PIW_ERR_WHEELHOUSE_LOCAL'
  /** An index page could not be read. */
  | 'PIW_ERR_WHEELHOUSE_PAGE'
  /** A downloaded file's hash (or size) is not the one its index or its object gave. */
  | 'PIW_ERR_WHEELHOUSE_HASH'
  /** Nothing of the version asked for was found. */
  | 'PIW_ERR_WHEELHOUSE_NOT_FOUND'
  /** The container kept changing while its index was rebuilt. */
  | 'PIW_ERR_WHEELHOUSE_INDEX';

export class WheelhouseError extends PiwError {
  constructor(code: WheelhouseErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'WheelhouseError';
  }
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const wheelhouseErrors = {
  local: (message: string, cause?: unknown) => new WheelhouseError('PIW_ERR_WHEELHOUSE_LOCAL', message, { cause }),
  page: (url: string, cause: unknown) => new WheelhouseError('PIW_ERR_WHEELHOUSE_PAGE', `cannot read ${url}: ${describe(cause)}`, { cause }),
  hash: (name: string, what: string, expected: string, got: string) =>
    new WheelhouseError('PIW_ERR_WHEELHOUSE_HASH', `${name}: ${what} is ${got}, expected ${expected}; the file was not kept`),
  notFound: (project: string, version: string | undefined, where: string, versions: string[]) =>
    new WheelhouseError(
      'PIW_ERR_WHEELHOUSE_NOT_FOUND',
      `no artifact of ${project}${version === undefined ? '' : ` ${version}`} at ${where}` +
        (versions.length > 0 ? `; versions there: ${versions.join(', ')}` : ''),
    ),
  index: (rounds: number) =>
    new WheelhouseError('PIW_ERR_WHEELHOUSE_INDEX', `the container's listing was still changing after ${rounds} rebuilds of its index; run the upload again`),
};
