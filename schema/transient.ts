/**
 * Whether a database error means "the server is not there right now" rather than "the request is wrong":
 * the connection was lost or refused, or the server is shutting down, starting up or recovering (a
 * restart, a failover). Such a request may succeed if made again a moment later; any other error will not.
 */

/** SQLSTATEs of a server going away or coming back (PostgreSQL appendix A). */
const TRANSIENT_STATES = new Set([
  '57P01', // admin_shutdown: pg_ctl stop / restart
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '53300', // too_many_connections
]);

/** postgres.js's own codes for a connection that went away or never came. */
const CLIENT_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);

/** Socket errors of a server restarting (its Unix socket file gone, its port closed). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOENT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isTransientDbError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  // Class 08: connection exception.
  return code.startsWith('08') || TRANSIENT_STATES.has(code) || CLIENT_CODES.has(code) || SOCKET_CODES.has(code);
}
