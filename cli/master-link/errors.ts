/**
 * How piw-import, piw-remove, piw-rebuild and piw-add fail, with stable codes. Bad input from the command line
 * (a file that is not a readable wheel, a bad --duration) ends with status 2 like any bad option; the
 * master refusing, going silent or not being there ends with status 1.
 */
import { PiwError } from '../../protocols/errors.js';
import { EXIT_ERROR, EXIT_USAGE } from '../common/errors.js';

export type ToolErrorCode =
  /** A file or option value given on the command line cannot be used. */
  | 'PIW_ERR_TOOL_INPUT'
  /** The import queue has nobody listening (no socket, a stale one, or no permission). */
  | 'PIW_ERR_MASTER_UNREACHABLE'
  /** The master did not answer within --timeout. */
  | 'PIW_ERR_MASTER_TIMEOUT'
  /** The master asked for a file but never fetched it over the file queue. */
  | 'PIW_ERR_TRANSFER_NOT_STARTED'
  /** The master answered ERROR. */
  | 'PIW_ERR_MASTER_REFUSED'
  /** piw-import cannot work out what it is importing. */
  | 'PIW_ERR_IMPORT_UNDETERMINED'
  /** The import succeeded but --delete could not remove every file. */
  | 'PIW_ERR_IMPORT_DELETE';

export class ToolError extends PiwError {
  constructor(
    code: ToolErrorCode,
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'ToolError';
  }
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const toolErrors = {
  input: (message: string, cause?: unknown) => new ToolError('PIW_ERR_TOOL_INPUT', message, EXIT_USAGE, { cause }),
  unreachable: (address: string, why: string) =>
    new ToolError('PIW_ERR_MASTER_UNREACHABLE', `cannot reach the master at ${address}: ${why}`, EXIT_ERROR),
  timeout: (address: string, seconds: number) =>
    new ToolError(
      'PIW_ERR_MASTER_TIMEOUT',
      `no reply from the master at ${address} within ${seconds} s; is piw-master running (and not paused)?`,
      EXIT_ERROR,
    ),
  transferNotStarted: (filename: string, address: string, seconds: number) =>
    new ToolError(
      'PIW_ERR_TRANSFER_NOT_STARTED',
      `the master asked for ${filename} but did not fetch it over the file queue at ${address} within ${seconds} s; is --file-queue the master's file queue?`,
      EXIT_ERROR,
    ),
  refused: (what: string, text: string) => new ToolError('PIW_ERR_MASTER_REFUSED', `the master refused the ${what}: ${text}`, EXIT_ERROR),
  // 0.18's words (behaviour 197)
  noAbi: () => new ToolError('PIW_ERR_IMPORT_UNDETERMINED', "couldn't determine builder ABI; re-run with --abi", EXIT_ERROR),
  delete: (paths: string[], cause: unknown) =>
    new ToolError(
      'PIW_ERR_IMPORT_DELETE',
      `the import succeeded, but ${paths.length === 1 ? paths[0] : `${paths.length} files`} could not be deleted: ${describe(cause)}`,
      EXIT_ERROR,
      { cause },
    ),
};
