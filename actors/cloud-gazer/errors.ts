/**
 * Typed errors of Cloud Gazer's PyPI client. Two of them are transient — PyPI could not be reached or
 * answered "try later" — and become an empty batch (behaviour 127); the rest are answers we cannot use.
 */
import { PiwError } from '../../protocols/errors.js';

/** Connection refused, DNS failure, reset, timeout, HTTP 5xx/408/429 or PyPI's "too many requests" fault. */
export class PyPIUnavailableError extends PiwError {
  static readonly code = 'PIW_ERR_PYPI_UNAVAILABLE';
  constructor(readonly url: string, reason: string, options?: { cause?: unknown }) {
    super(PyPIUnavailableError.code, `PyPI unavailable at ${url}: ${reason}`, options);
    this.name = 'PyPIUnavailableError';
  }
}

/** The circuit breaker is open: no request was made. */
export class PyPIOfflineError extends PiwError {
  static readonly code = 'PIW_ERR_PYPI_OFFLINE';
  constructor(service: string, readonly retryInMs: number) {
    super(PyPIOfflineError.code, `${service} offline; next attempt in ${Math.ceil(retryInMs / 1000)} s`);
    this.name = 'PyPIOfflineError';
  }
}

/** An HTTP status that is neither success nor a server-side failure (e.g. 400, 403, 404). */
export class PyPIHttpError extends PiwError {
  static readonly code = 'PIW_ERR_PYPI_HTTP';
  constructor(readonly url: string, readonly status: number, statusText: string) {
    super(PyPIHttpError.code, `PyPI answered HTTP ${status}${statusText ? ` ${statusText}` : ''} at ${url}`);
    this.name = 'PyPIHttpError';
  }
}

/** A well-formed XML-RPC `<fault>`; the PyPI client turns PyPI's "try later" faults into unavailability. */
export class XmlRpcFaultError extends PiwError {
  static readonly code = 'PIW_ERR_XMLRPC_FAULT';
  constructor(readonly faultCode: number, readonly faultString: string) {
    super(XmlRpcFaultError.code, `XML-RPC fault ${faultCode}: ${faultString}`);
    this.name = 'XmlRpcFaultError';
  }
}

/** Not an XML-RPC methodResponse, or not the shape the method returns. */
export class XmlRpcMalformedError extends PiwError {
  static readonly code = 'PIW_ERR_XMLRPC_MALFORMED';
  constructor(detail: string) {
    super(XmlRpcMalformedError.code, `malformed XML-RPC response: ${detail}`);
    this.name = 'XmlRpcMalformedError';
  }
}

/** Behaviour 127: failures that mean "nothing to read now, try later". */
export function isTransient(err: unknown): err is PyPIUnavailableError | PyPIOfflineError {
  return err instanceof PyPIUnavailableError || err instanceof PyPIOfflineError;
}

/** A response we refuse to read whole (larger than the client's limit). */
export class PyPIResponseTooLargeError extends PiwError {
  static readonly code = 'PIW_ERR_PYPI_RESPONSE_TOO_LARGE';
  constructor(readonly url: string, limit: number) {
    super(PyPIResponseTooLargeError.code, `PyPI's response from ${url} is larger than ${limit} bytes`);
    this.name = 'PyPIResponseTooLargeError';
  }
}

/** An error's message. Duck-typed: errors from fetch may come from another realm than our `Error`. */
export function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}
