/**
 * The embedded database: PostgreSQL in WebAssembly (PGlite) inside this process, served to the `postgres`
 * client through pglite-socket on a Unix socket in a private (0700) temporary directory, so the master runs
 * the same SQL through the same client as against a server.
 *
 * PGlite has one backend session: every connection shares it (its settings, its role, its transaction),
 * so exactly one client connection is opened on it (see connection.ts) and session settings are made here
 * once. A data directory is locked (`<dir>.lock`, holding the owner's pid) while open: two PGlite instances
 * on one directory would corrupt it. A lock left by a dead process is taken over, and so are the socket
 * directories of dead processes (named after their pid) removed.
 */
import { lstat, mkdtemp, mkdir, open, readdir, readFile, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { dbErrors } from './errors.js';
import { quoteIdentifier } from './migrations.js';
import { OPERATOR_SOCKET_NAME, serveOperators, type OperatorSocket } from './operator-socket.js';

/** Operators (psql, piw-abis) served at once. */
const OPERATORS = 4;

export interface EmbeddedOptions {
  /** The data directory (created if missing); undefined keeps the database in memory. */
  dataDir: string | undefined;
  /** Start from a dump made by `PGlite.dumpDataDir()` instead of an empty database (tests). */
  loadDataDir?: Blob | File;
  /**
   * Serve the database to operators (psql, piw-abis) on `<dataDir>/.s.PGSQL.5432` (operator-socket.ts);
   * `role` is the role the master's session runs as, set back when an operator leaves.
   */
  operators?: { role: string; idleInTransactionMs?: number };
}

/**
 * PostgreSQL's memory settings for the embedded database, given to PGlite as start-up options (they
 * override postgresql.conf, which PGlite's own `postgresqlconf` option would replace whole). PGlite runs
 * PostgreSQL in one WebAssembly memory that only grows, and PostgreSQL touches all of shared_buffers at
 * start: its default 128MB alone took the master from about 160 to 300 MiB before a slave connected. The
 * embedded database is the small farm's and the demo's (a big one runs on a server), and its pages are
 * also in the operating system's cache, so a few MB of buffers serve it.
 */
const EMBEDDED_SETTINGS: readonly string[] = ['shared_buffers=16MB'];

/** What the session is set to before anyone uses it (startup parameters a client sends are not applied by PGlite). */
export const SESSION_SETUP = "SET TIME ZONE 'UTC'";

export interface EmbeddedServer {
  readonly pg: PGlite;
  /** The Unix socket file the `postgres` client connects to. */
  readonly socketPath: string;
  /** The operators' socket file, when served. */
  readonly operatorSocket: string | undefined;
  /** Why operators were to be served but are not. */
  readonly operatorsUnserved: string | undefined;
  stop(): Promise<void>;
}

export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const releaseLock = opts.dataDir === undefined ? async () => {} : await lockDataDir(opts.dataDir);
  let pg: PGlite | undefined;
  let socketDir: string | undefined;
  let server: PGLiteSocketServer | undefined;
  let operators: OperatorSocket | undefined;
  try {
    // Loaded on demand: a server-only process never pays for the WebAssembly build.
    const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
    pg = new PGlite({
      startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS.flatMap((setting) => ['-c', setting])],
      ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }),
      ...(opts.loadDataDir === undefined ? {} : { loadDataDir: opts.loadDataDir }),
    });
    await pg.waitReady;
    await pg.exec(SESSION_SETUP);
    await removeDeadSocketDirs();
    socketDir = await mkdtemp(path.join(os.tmpdir(), `${SOCKET_DIR_PREFIX}${process.pid}-`));
    const socketPath = path.join(socketDir, OPERATOR_SOCKET_NAME);
    const serveOps = opts.operators !== undefined && opts.dataDir !== undefined;
    // The master's client, the operators', and the one that sets the session back after them.
    server = new PGLiteSocketServer({ db: pg, path: socketPath, maxConnections: serveOps ? 2 + OPERATORS + 1 : 2 });
    await server.start();
    // Not being able to serve operators (a data directory path too long for a socket, say) costs them
    // psql, not the master its database: it is said, not thrown.
    let operatorsUnserved: string | undefined;
    if (serveOps) {
      try {
        operators = await serveOperators({
          path: path.join(opts.dataDir!, OPERATOR_SOCKET_NAME),
          upstream: socketPath,
          restore: `RESET ALL; ${SESSION_SETUP}; SET ROLE ${quoteIdentifier(opts.operators!.role)}`,
          maxClients: OPERATORS,
          ...(opts.operators!.idleInTransactionMs === undefined ? {} : { idleInTransactionMs: opts.operators!.idleInTransactionMs }),
        });
      } catch (err) {
        operatorsUnserved = `${path.join(opts.dataDir!, OPERATOR_SOCKET_NAME)}: ${(err as Error).message}`;
      }
    }
    const [db, srv, dir, ops] = [pg, server, socketDir, operators];
    let stopped = false;
    return {
      pg: db,
      socketPath,
      operatorSocket: ops?.path,
      operatorsUnserved,
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await ops?.stop();
          await srv.stop();
          await db.close();
        } finally {
          await rm(dir, { recursive: true, force: true });
          await releaseLock();
        }
      },
    };
  } catch (err) {
    await operators?.stop().catch(() => {});
    await server?.stop().catch(() => {});
    await pg?.close().catch(() => {});
    if (socketDir !== undefined) await rm(socketDir, { recursive: true, force: true });
    await releaseLock();
    throw err;
  }
}

const SOCKET_DIR_PREFIX = 'piw-pglite-';
/** When this process started (ms since the epoch): with the pid, what tells a lock's owner from a namesake. */
const STARTED = Math.round(performance.timeOrigin);

/**
 * Removes the socket directories of embedded databases whose process died without stopping them (kill -9):
 * each is named after its owner's pid, and only this user's are touched.
 */
async function removeDeadSocketDirs(): Promise<void> {
  const tmp = os.tmpdir();
  const uid = process.getuid?.();
  for (const name of await readdir(tmp).catch(() => [] as string[])) {
    const pid = Number(/^piw-pglite-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    const dir = path.join(tmp, name);
    const st = await lstat(dir).catch(() => undefined);
    if (st?.isDirectory() && (uid === undefined || st.uid === uid)) await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

/** Takes `<dir>.lock` for this process; resolves with the function that gives it back. */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(path.dirname(dataDir), { recursive: true });
  const lockPath = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(`${process.pid} ${STARTED}\n`);
      await handle.close();
      return async () => {
        await unlink(lockPath).catch(() => {});
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const { owner, started } = await readLock(lockPath);
      // A lock in our own pid but another start time was left by a run that died and whose pid came back
      // (pid 1 in a container); in ours, it is this process's own.
      const ours = owner === process.pid && (started === undefined || started === STARTED);
      if (Number.isInteger(owner) && owner! > 0 && (ours || (owner !== process.pid && isAlive(owner!)))) throw dbErrors.locked(dataDir, owner!);
      await unlink(lockPath).catch(() => {});
    }
  }
  throw dbErrors.locked(dataDir, (await readLock(lockPath)).owner ?? 0);
}

/** A lock file's contents: `<pid> <start time>` (a lock of an older run holds the pid alone). */
async function readLock(lockPath: string): Promise<{ owner: number | undefined; started: number | undefined }> {
  const [owner, started] = (await readFile(lockPath, 'utf8').catch(() => '')).trim().split(' ').map(Number);
  return { owner, started };
}

/** The live process holding a data directory's lock (a running master, piw-initdb), if any. */
export async function lockOwner(dataDir: string): Promise<number | undefined> {
  const { owner } = await readLock(`${dataDir}.lock`);
  return Number.isInteger(owner) && owner! > 0 && isAlive(owner!) ? owner : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
