/**
 * Typed errors, fastify-style: every error the project raises on purpose has a stable `code` and a
 * message a person can act on. Rooms define their own codes with `defineError`.
 */
export class PiwError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PiwError';
  }
}

/** A class for one error code; `new X(...args)` builds the message from the arguments. */
export function defineError<A extends unknown[]>(code: string, message: (...args: A) => string) {
  return class extends PiwError {
    static readonly code = code;
    constructor(...args: A) {
      super(code, message(...args));
    }
  };
}

/** Protocol errors (protocols.md §1.3); the messages are 0.18's, word for word. */
export class ProtocolError extends PiwError {
  constructor(code: ProtocolErrorCode, message: string, readonly verb?: string) {
    super(code, message);
    this.name = 'ProtocolError';
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
