/** How the wheelhouse's uploads, fetches and syncs fail, with stable codes. */
import { defineErrors, messageOf, PiwError } from '../../protocols/errors.js';

export class WheelhouseError extends PiwError {}

export const wheelhouseErrors = defineErrors(WheelhouseError, {
  local: ['PIW_ERR_WHEELHOUSE_LOCAL', (message: string, cause?: unknown) => ({ message, cause })],
  page: ['PIW_ERR_WHEELHOUSE_PAGE', (url: string, cause: unknown) => ({ message: `cannot read ${url}: ${messageOf(cause)}`, cause })],
  hash: [
    'PIW_ERR_WHEELHOUSE_HASH',
    (name: string, what: string, expected: string, got: string) => `${name}: ${what} is ${got}, expected ${expected}; the file was not kept`,
  ],
  notFound: [
    'PIW_ERR_WHEELHOUSE_NOT_FOUND',
    (project: string, version: string | undefined, where: string, versions: string[]) =>
      `no artifact of ${project}${version === undefined ? '' : ` ${version}`} at ${where}` +
      (versions.length > 0 ? `; versions there: ${versions.join(', ')}` : ''),
  ],
  index: [
    'PIW_ERR_WHEELHOUSE_INDEX',
    (rounds: number) => `the container's listing was still changing after ${rounds} rebuilds of its index; run the upload again`,
  ],
});
