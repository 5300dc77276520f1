/**
 * Placeholders for the side effects a machine names in `setup()`: the owning actor replaces every one
 * with `machine.provide()`. Running a machine without doing so fails loudly with a typed error instead
 * of silently dropping replies.
 */
import { fromPromise } from 'xstate';
import { defineError } from '../../protocols/errors.js';

export const NotProvidedError = defineError(
  'PIW_ERR_NOT_PROVIDED',
  (machine: string, name: string) => `${machine}: "${name}" was not provided; supply it with machine.provide()`,
);

/** An action placeholder that throws when run. */
export function actionNotProvided(machine: string, name: string) {
  return (): never => {
    throw new NotProvidedError(machine, name);
  };
}

/** An invoked-actor placeholder that rejects when started. */
export function actorNotProvided<TOutput, TInput>(machine: string, name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new NotProvidedError(machine, name);
  });
}
