/**
 * How piw-import, piw-remove, piw-rebuild and piw-add fail, with stable codes. Bad input from the command
 * line (a file that is not a readable wheel, a bad --duration) ends with status 2 like any bad option; the
 * master refusing, going silent or not being there ends with status 1.
 */
import { defineErrors, messageOf, PiwError } from '../../protocols/errors.js';
import { EXIT_ERROR, EXIT_USAGE } from '../common/errors.js';

export class ToolError extends PiwError {}

export const toolErrors = defineErrors(ToolError, {
  input: ['PIW_ERR_TOOL_INPUT', (message: string, cause?: unknown) => ({ message, cause, exitCode: EXIT_USAGE })],
  unreachable: [
    'PIW_ERR_MASTER_UNREACHABLE',
    (address: string, why: string) => ({ message: `cannot reach the master at ${address}: ${why}`, exitCode: EXIT_ERROR }),
  ],
  timeout: [
    'PIW_ERR_MASTER_TIMEOUT',
    (address: string, seconds: number) => ({
      message: `no reply from the master at ${address} within ${seconds} s; is piw-master running (and not paused)?`,
      exitCode: EXIT_ERROR,
    }),
  ],
  transferNotStarted: [
    'PIW_ERR_TRANSFER_NOT_STARTED',
    (filename: string, address: string, seconds: number) => ({
      message: `the master asked for ${filename} but did not fetch it over the file queue at ${address} within ${seconds} s; is --file-queue the master's file queue?`,
      exitCode: EXIT_ERROR,
    }),
  ],
  refused: [
    'PIW_ERR_MASTER_REFUSED',
    (what: string, text: string, cause?: unknown) => ({ message: `the master refused the ${what}: ${text}`, cause, exitCode: EXIT_ERROR }),
  ],
  // 0.18's words (behaviour 197)
  noAbi: ['PIW_ERR_IMPORT_UNDETERMINED', () => ({ message: "couldn't determine builder ABI; re-run with --abi", exitCode: EXIT_ERROR })],
  delete: [
    'PIW_ERR_IMPORT_DELETE',
    (paths: string[], cause: unknown) => ({
      message: `the import succeeded, but ${paths.length === 1 ? paths[0] : `${paths.length} files`} could not be deleted: ${messageOf(cause)}`,
      cause,
      exitCode: EXIT_ERROR,
    }),
  ],
});
