/**
 * Work a task's machine invoked, cut short because the task is stopping: the owner rejects the invoked
 * actor with CancelledError, so the machine tells a shutdown from a failure by the error's type and ends
 * quietly instead of logging a failure and trying again.
 */
import { defineError } from '../../protocols/errors.js';

export const CancelledError = defineError('PIW_ERR_CANCELLED', (what: string) => `${what} was cancelled: the task is stopping`);

/** `work()`'s result, or CancelledError when `signal` aborted before it settled (its result, if any, dropped). */
export async function unlessCancelled<T>(signal: AbortSignal, what: string, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    if (!signal.aborted) return result;
  } catch (err) {
    if (!signal.aborted) throw err;
  }
  throw new CancelledError(what);
}

/** The guard of an invoke's onError: the work was cancelled, not failed. */
export const wasCancelled = ({ event }: { event: unknown }): boolean => (event as { error?: unknown }).error instanceof CancelledError;

/** The action for any other failure of such work: the machine errors with it (its owner crashes the task). */
export const crash = ({ event }: { event: unknown }): never => {
  throw (event as { error?: unknown }).error;
};
