/**
 * Typed errors of Cloud Gazer's PyPI client. Two of them are transient — PyPI could not be reached or
 * answered "try later" — and become an empty batch (behaviour 127); the rest are answers we cannot use.
 */
import { defineError } from '../../protocols/errors.js';

export { messageOf } from '../../protocols/errors.js';

/** Connection refused, DNS failure, reset, timeout, HTTP 5xx/408/429 or PyPI's "too many requests" fault. */
export const GazerNotStartedError = defineError('PIW_ERR_GAZER_NOT_STARTED', () => 'Cloud Gazer polled before start()');

export const PyPIUnavailableError = defineError(
  'PIW_ERR_PYPI_UNAVAILABLE',
  (url: string, reason: string, options?: { cause?: unknown }) => ({ message: `PyPI unavailable at ${url}: ${reason}`, cause: options?.cause, url }),
);

/** The circuit breaker is open: no request was made. */
export const PyPIOfflineError = defineError('PIW_ERR_PYPI_OFFLINE', (service: string, retryInMs: number) => ({
  message: `${service} offline; next attempt in ${Math.ceil(retryInMs / 1000)} s`,
  retryInMs,
}));

/** An HTTP status that is neither success nor a server-side failure (e.g. 400, 403, 404). */
export const PyPIHttpError = defineError('PIW_ERR_PYPI_HTTP', (url: string, status: number, statusText: string) => ({
  message: `PyPI answered HTTP ${status}${statusText ? ` ${statusText}` : ''} at ${url}`,
  url,
  status,
}));

/** A well-formed XML-RPC `<fault>`; the PyPI client turns PyPI's "try later" faults into unavailability. */
export const XmlRpcFaultError = defineError('PIW_ERR_XMLRPC_FAULT', (faultCode: number, faultString: string) => ({
  message: `XML-RPC fault ${faultCode}: ${faultString}`,
  faultCode,
  faultString,
}));

/** Not an XML-RPC methodResponse, or not the shape the method returns. */
export const XmlRpcMalformedError = defineError('PIW_ERR_XMLRPC_MALFORMED', (detail: string) => `malformed XML-RPC response: ${detail}`);

/** Behaviour 127: failures that mean "nothing to read now, try later". */
export function isTransient(err: unknown): err is InstanceType<typeof PyPIUnavailableError> | InstanceType<typeof PyPIOfflineError> {
  return err instanceof PyPIUnavailableError || err instanceof PyPIOfflineError;
}

/** A response we refuse to read whole (larger than the client's limit). */
export const PyPIResponseTooLargeError = defineError('PIW_ERR_PYPI_RESPONSE_TOO_LARGE', (url: string, limit: number) => ({
  message: `PyPI's response from ${url} is larger than ${limit} bytes`,
  url,
}));
