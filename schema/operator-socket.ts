/**
 * `psql` to the embedded database while the master runs. PGlite is one PostgreSQL session inside the
 * master; pglite-socket already serves it to the master's own client on a private socket. This serves it
 * to operators too, on `<data dir>/.s.PGSQL.5432` (owner-only, so only the master's user; `psql -h <data
 * dir>` finds it as it finds a server's socket), through a small proxy in front of the same pglite-socket
 * server, because a shared session needs guarding that a server does not:
 *
 * - a transaction an operator leaves open holds the master's every query (pglite-socket runs only the
 *   transaction owner's queries until it ends): after `idleInTransactionMs` without a word from the
 *   operator, the connection is closed as PostgreSQL's idle_in_transaction_session_timeout closes it
 *   (FATAL 25P03), and the transaction rolls back;
 * - settings an operator changes (`SET ROLE`, `SET search_path`, the time zone) would stay with the
 *   master's session: when an operator disconnects, the session is set back (`RESET ALL`, then the
 *   master's own settings);
 * - at most `maxClients` operators at once.
 *
 * The proxy answers SSL and GSSAPI encryption requests itself ("N": a Unix socket needs neither) and
 * otherwise passes bytes through untouched, reading the server's ReadyForQuery messages to know when a
 * transaction is open.
 */
import { chmod, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import postgres from 'postgres';
import { dbErrors } from './errors.js';

/** The socket file PostgreSQL clients look for in the directory given as host (port 5432). */
export const OPERATOR_SOCKET_NAME = '.s.PGSQL.5432';

export interface OperatorSocketOptions {
  /** Where operators connect (a socket file path). */
  path: string;
  /** The pglite-socket server's own socket. */
  upstream: string;
  /** SQL that puts the shared session back as the master had it. */
  restore: string;
  idleInTransactionMs?: number;
  maxClients?: number;
  /** Told of what happens (a closed idle transaction, a failed restore). */
  onEvent?: (message: string) => void;
}

export interface OperatorSocket {
  readonly path: string;
  /** Operators connected now. */
  readonly clients: number;
  stop(): Promise<void>;
}

/** sun_path holds 108 bytes on Linux, the terminating NUL among them. */
const MAX_SOCKET_PATH = 107;

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/** A backend ErrorResponse (severity FATAL). */
function fatal(code: string, message: string): Buffer {
  const fields = Buffer.concat([
    ...[['S', 'FATAL'], ['V', 'FATAL'], ['C', code], ['M', message]].map(([k, v]) => Buffer.from(`${k}${v}\0`)),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function serveOperators(opts: OperatorSocketOptions): Promise<OperatorSocket> {
  const idleMs = opts.idleInTransactionMs ?? 60_000;
  const maxClients = opts.maxClients ?? 4;
  const live = new Set<Socket>();
  /** Every connection, the refused ones too, so that stopping ends them all. */
  const sockets = new Set<Socket>();
  let restoring = Promise.resolve();
  let stopping = false;

  const restore = () => {
    restoring = restoring.then(async () => {
      if (stopping) return;
      const sql = postgres({ path: opts.upstream, user: 'postgres', database: 'postgres', max: 1, connect_timeout: 10, onnotice: () => {} });
      try {
        await withTimeout(sql.unsafe(opts.restore).simple(), 30_000, 'setting the session back took too long');
      } catch (err) {
        opts.onEvent?.(`could not set the session back after an operator left: ${(err as Error).message}`);
      } finally {
        await sql.end({ timeout: 5 }).catch(() => {});
      }
    });
  };

  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    if (live.size >= maxClients) {
      client.end(fatal('53300', `sorry, too many operators connected (at most ${maxClients}) to the master's embedded database`));
      return;
    }
    live.add(client);
    const upstream = createConnection({ path: opts.upstream });
    let started = false;
    let pending: Buffer = Buffer.alloc(0);
    let backend: Buffer = Buffer.alloc(0);
    let idle: NodeJS.Timeout | undefined;
    let closed = false;

    const close = () => {
      if (closed) return;
      closed = true;
      clearTimeout(idle);
      live.delete(client);
      client.destroy();
      upstream.destroy();
      restore();
    };

    client.on('data', (chunk: Buffer) => {
      clearTimeout(idle);
      if (started) {
        upstream.write(chunk);
        return;
      }
      // Before the startup message: answer encryption requests here, then pass everything on.
      pending = Buffer.concat([pending, chunk]);
      while (!started && pending.length >= 8) {
        const length = pending.readInt32BE(0);
        const code = pending.readInt32BE(4);
        if (length === 8 && (code === SSL_REQUEST || code === GSSENC_REQUEST)) {
          client.write('N');
          pending = pending.subarray(8);
          continue;
        }
        started = true;
        upstream.write(pending);
        pending = Buffer.alloc(0);
      }
    });

    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      // Follow the server's messages for ReadyForQuery ('Z', status I / T / E).
      backend = backend.length === 0 ? chunk : Buffer.concat([backend, chunk]);
      let at = 0;
      while (backend.length - at >= 5) {
        const length = backend.readInt32BE(at + 1);
        if (backend.length - at < 1 + length) break;
        if (backend[at] === 0x5a) {
          const status = String.fromCharCode(backend[at + 5]!);
          clearTimeout(idle);
          if (status !== 'I') {
            idle = setTimeout(() => {
              opts.onEvent?.(`closed an operator's connection: a transaction left open for ${idleMs / 1000} s holds the master`);
              client.write(fatal('25P03', 'terminating connection due to idle-in-transaction timeout (it holds the piwheels master)'));
              client.end();
              setTimeout(close, 100).unref();
            }, idleMs);
          }
        }
        at += 1 + length;
      }
      backend = backend.subarray(at);
    });

    client.on('close', close);
    client.on('error', close);
    upstream.on('close', close);
    upstream.on('error', close);
  });

  // Node binds a longer path cut short (at sun_path's 108 bytes) rather than failing, somewhere no client looks.
  if (Buffer.byteLength(opts.path) > MAX_SOCKET_PATH) {
    throw dbErrors.socketPath(opts.path, MAX_SOCKET_PATH);
  }
  await unlink(opts.path).catch(() => {}); // left by a master that died; the data directory's lock is ours
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  try {
    // Owner only: the master's user (who owns the data anyway) and root.
    await chmod(opts.path, 0o600);
  } catch (err) {
    server.close();
    await unlink(opts.path).catch(() => {});
    throw err;
  }

  return {
    path: opts.path,
    get clients() {
      return live.size;
    },
    async stop() {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await withTimeout(restoring, 10_000, 'the last set-back did not finish').catch(() => {});
      await unlink(opts.path).catch(() => {});
    },
  };
}
