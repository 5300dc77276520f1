/**
 * One HTTP exchange with PyPI through Node's fetch: our User-Agent, a deadline covering the whole exchange
 * (headers and body), a cap on the body. Anything that stops us getting an answer — refused, reset, DNS,
 * too many redirects, the deadline — is a PyPIUnavailableError; an answer is returned whatever its status.
 */
import { messageOf, PyPIResponseTooLargeError, PyPIUnavailableError } from './errors.js';

/** PyPI identifies us by this (protocols/README.md §7). */
export const USER_AGENT = 'piwheels/0.18';
export const DEFAULT_TIMEOUT_MS = 10_000;
/** PyPI's biggest changelog answers (50,000 events) are a few MiB. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface HttpOptions {
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
}

export async function httpExchange(
  url: string,
  init: { method: 'GET' | 'POST'; body?: string; headers?: Record<string, string> },
  options: HttpOptions = {},
): Promise<HttpAnswer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method: init.method,
      body: init.body,
      headers: { 'User-Agent': USER_AGENT, ...init.headers },
      signal,
    });
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      await res.body?.cancel();
      throw new PyPIResponseTooLargeError(url, maxBytes);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body !== null) {
      for await (const chunk of res.body) {
        size += chunk.byteLength;
        // Leaving the loop cancels the stream.
        if (size > maxBytes) throw new PyPIResponseTooLargeError(url, maxBytes);
        chunks.push(chunk);
      }
    }
    return { status: res.status, statusText: res.statusText, body: Buffer.concat(chunks).toString('utf8') };
  } catch (err) {
    if (err instanceof PyPIResponseTooLargeError) throw err;
    if (signal.aborted) throw new PyPIUnavailableError(url, `no answer within ${timeoutMs / 1000} s`, { cause: err });
    throw new PyPIUnavailableError(url, describeNetworkError(err), { cause: err });
  }
}

/** fetch's "fetch failed" hides the reason (ECONNREFUSED, ENOTFOUND, "other side closed") in `cause`. */
function describeNetworkError(err: unknown): string {
  const cause = typeof err === 'object' && err !== null ? (err as { cause?: { code?: unknown } }).cause : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  return messageOf(cause ?? err);
}

/** HTTP states that mean "the server is in trouble, try later" rather than "your request is wrong". */
export function isServerTrouble(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
