/**
 * Typed errors, fastify-style: every error the project raises on purpose has a stable `code`, listed with
 * what it means in protocols/error-codes.ts, and a message a person can act on. There is one way to make
 * one: `defineError(code, message, Family?)` in the room that raises it gives a class for that code, and
 * `defineErrors(Family, { name: [code, message] })` a room's set of them as functions that build each.
 * A message function returns the message, or `{ message, cause, ...fields }` for an error that carries
 * its cause or fields a caller reads (an HTTP status, an exit status).
 */
import type { ErrorCode } from './error-codes.js';

export { ERROR_CODES, type ErrorCode } from './error-codes.js';

export class PiwError extends Error {
  constructor(readonly code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A room's own subclass of PiwError (`class StorageError extends PiwError {}`), for `instanceof` and names. */
export type ErrorFamily<E extends PiwError = PiwError> = new (code: ErrorCode, message: string, options?: { cause?: unknown }) => E;

type Described = { message: string; cause?: unknown };
type Fields<R> = R extends Described ? Readonly<Omit<R, 'message' | 'cause'>> : unknown;

/** The class of one code: `new X(...args)`; `X.code` is its code. */
export interface DefinedError<A extends unknown[], E extends PiwError> {
  new (...args: A): E;
  readonly code: ErrorCode;
}

/** Which family defined each code: a code belongs to one room (spec/protocols/error-codes.test.ts). */
const definitions = new Map<ErrorCode, string>();

/** Every code defined so far, with the name of the family that defined it. */
export function definedErrors(): ReadonlyMap<ErrorCode, string> {
  return definitions;
}

export function defineError<A extends unknown[], R extends string | Described, E extends PiwError = PiwError>(
  code: ErrorCode,
  message: (...args: A) => R,
  Family: ErrorFamily<E> = PiwError as unknown as ErrorFamily<E>,
): DefinedError<A, E & Fields<R>> {
  const owner = definitions.get(code);
  if (owner !== undefined && owner !== Family.name) {
    throw new PiwError('PIW_ERR_CODE_TAKEN', `error code ${code} is defined by both ${owner} and ${Family.name}; a code belongs to one room`);
  }
  definitions.set(code, Family.name);
  const Defined = class extends (Family as unknown as ErrorFamily<PiwError>) {
    static readonly code = code;
    constructor(...args: A) {
      const described: string | Described = message(...args);
      if (typeof described === 'string') {
        super(code, described);
      } else {
        const { message: text, cause, ...fields } = described as Described & Record<string, unknown>;
        super(code, text, cause === undefined ? undefined : { cause });
        Object.assign(this, fields);
      }
    }
  };
  Object.defineProperty(Defined, 'name', { value: Family.name });
  return Defined as unknown as DefinedError<A, E & Fields<R>>;
}

type Table = Record<string, readonly [ErrorCode, (...args: never[]) => string | Described]>;

/** A room's errors as functions that build them: `defineErrors(StorageError, { key: [code, (key) => message] })`. */
export function defineErrors<E extends PiwError, T extends Table>(
  Family: ErrorFamily<E>,
  table: T,
): { [K in keyof T]: (...args: Parameters<T[K][1]>) => E & Fields<ReturnType<T[K][1]>> } {
  const built: Record<string, (...args: unknown[]) => PiwError> = {};
  for (const [key, [code, message]] of Object.entries(table)) {
    const Defined = defineError(code, message as (...args: unknown[]) => string | Described, Family);
    built[key] = (...args) => new Defined(...args);
  }
  return built as unknown as { [K in keyof T]: (...args: Parameters<T[K][1]>) => E & Fields<ReturnType<T[K][1]>> };
}

/** An error's message, or the thing thrown as text (errors from fetch may come from another realm). */
export function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}

/** Protocol errors (protocols/README.md §1.3); the messages are 0.18's, word for word. */
export class ProtocolError extends PiwError {
  constructor(code: ProtocolErrorCode, message: string, readonly verb?: string) {
    super(code, message);
  }
}

export type ProtocolErrorCode =
  | 'PIW_ERR_UNKNOWN_MESSAGE'
  | 'PIW_ERR_MISSING_DATA'
  | 'PIW_ERR_UNEXPECTED_DATA'
  | 'PIW_ERR_INVALID_DATA'
  | 'PIW_ERR_SERIALIZE'
  | 'PIW_ERR_DESERIALIZE'
  | 'PIW_ERR_STRUCTURE';
