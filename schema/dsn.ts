/**
 * Where the database is: a DSN names either a PostgreSQL server or the embedded database.
 *
 * - `postgres://[user[:password]@][host][:port][/dbname][?host=…&port=…&user=…&password=…&dbname=…&sslmode=…]`
 *   (or `postgresql://`), read the way libpq reads it: an empty host means the local Unix socket directory
 *   (PGHOST, else /var/run/postgresql), a host starting with `/` is a socket directory, and empty parts
 *   fall back to PGPORT, PGUSER, PGPASSWORD, PGDATABASE, then 5432, the login name and the user name.
 *   So the manual's default `postgres:///piwheels` is the local server's piwheels database.
 * - `pglite:` — the embedded database (PGlite) in its default directory, `pglite:/abs/dir` (or
 *   `pglite:///abs/dir`, `pglite:~/dir`) in that directory, `pglite:memory` in memory (gone on close).
 *
 * The embedded default directory: `$XDG_DATA_HOME/piwheels/pgdata` when XDG_DATA_HOME is set; else
 * `/var/lib/piwheels/pgdata` for a system account (uid 1–999, e.g. a `useradd --system piwheels`);
 * else `~/.local/share/piwheels/pgdata`.
 */
import os from 'node:os';
import path from 'node:path';
import { dbErrors } from './errors.js';

export interface ServerTarget {
  kind: 'server';
  host: string;
  /** Set when `host` is a Unix socket directory. */
  socketPath: string | undefined;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl: 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full' | undefined;
  applicationName: string | undefined;
}

export interface EmbeddedTarget {
  kind: 'embedded';
  /** The data directory; undefined for an in-memory database. */
  dataDir: string | undefined;
}

export type DatabaseTarget = ServerTarget | EmbeddedTarget;

/** The DSN that selects the embedded database in its default directory. */
export const EMBEDDED_DSN = 'pglite:';

export function defaultEmbeddedDir(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? -1): string {
  if (env.XDG_DATA_HOME) return path.join(env.XDG_DATA_HOME, 'piwheels', 'pgdata');
  if (uid > 0 && uid < 1000) return '/var/lib/piwheels/pgdata';
  return path.join(os.homedir(), '.local', 'share', 'piwheels', 'pgdata');
}

const SSL_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

export function parseDsn(dsn: string, env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  if (/^pglite:/i.test(dsn)) return parseEmbedded(dsn, env);
  if (!/^postgres(ql)?:\/\//i.test(dsn)) {
    throw dbErrors.badDsn(dsn, 'expected postgres://… for a server or pglite:… for the embedded database');
  }
  const m = /^postgres(?:ql)?:\/\/([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/i.exec(dsn);
  if (m === null) throw dbErrors.badDsn(dsn, 'not a valid URL');
  const [, authority = '', pathname = '', query = ''] = m;
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? '' : authority.slice(0, at);
  const hostport = authority.slice(at + 1);
  const colon = userinfo.indexOf(':');
  const hostMatch = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostport)!;
  let q: URLSearchParams;
  let url: { username: string; password: string; hostname: string; port: string; pathname: string };
  try {
    q = new URLSearchParams(query);
    url = {
      username: decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon)),
      password: decodeURIComponent(colon < 0 ? '' : userinfo.slice(colon + 1)),
      hostname: decodeURIComponent(hostMatch[1]!.replace(/^\[|\]$/g, '')),
      port: hostMatch[2] ?? '',
      pathname: decodeURIComponent(pathname.replace(/^\//, '')),
    };
  } catch {
    throw dbErrors.badDsn(dsn, 'bad percent-encoding');
  }
  for (const key of q.keys()) {
    if (!['host', 'port', 'user', 'password', 'dbname', 'sslmode', 'application_name'].includes(key)) {
      throw dbErrors.badDsn(dsn, `unknown parameter ${key}`);
    }
  }
  const host = q.get('host') ?? (url.hostname || env.PGHOST || '/var/run/postgresql');
  const portText = q.get('port') ?? (url.port || env.PGPORT || '5432');
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw dbErrors.badDsn(dsn, `bad port ${portText}`);
  const user = q.get('user') ?? (url.username || env.PGUSER || os.userInfo().username);
  const password = q.get('password') ?? (url.password || env.PGPASSWORD || '');
  const database = q.get('dbname') ?? (url.pathname || env.PGDATABASE || user);
  const sslmode = q.get('sslmode') ?? env.PGSSLMODE;
  if (sslmode !== undefined && !SSL_MODES.has(sslmode)) throw dbErrors.badDsn(dsn, `unknown sslmode ${sslmode}`);
  return {
    kind: 'server',
    host,
    socketPath: host.startsWith('/') ? path.join(host, `.s.PGSQL.${port}`) : undefined,
    port,
    user,
    password,
    database,
    ssl: sslmode === undefined || sslmode === 'allow' ? undefined : (sslmode as ServerTarget['ssl']),
    applicationName: q.get('application_name') ?? undefined,
  };
}

function parseEmbedded(dsn: string, env: NodeJS.ProcessEnv): EmbeddedTarget {
  let rest = dsn.slice('pglite:'.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest === '') return { kind: 'embedded', dataDir: defaultEmbeddedDir(env) };
  if (rest === 'memory') return { kind: 'embedded', dataDir: undefined };
  if (rest.startsWith('~/')) return { kind: 'embedded', dataDir: path.join(os.homedir(), rest.slice(2)) };
  if (rest.startsWith('/')) return { kind: 'embedded', dataDir: path.normalize(decodeURIComponent(rest)) };
  throw dbErrors.badDsn(dsn, 'the embedded database needs an absolute directory (pglite:/path), pglite:memory or pglite:');
}

/** How to name the target in messages (never shows a password). */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'embedded') return target.dataDir === undefined ? 'the in-memory embedded database' : `the embedded database in ${target.dataDir}`;
  const where = target.socketPath ?? `${target.host}:${target.port}`;
  return `database ${target.database} as ${target.user} on ${where}`;
}

/** A DSN that selects `target` again (for messages such as "run piw-initdb -d …"); no password. */
export function formatDsn(target: DatabaseTarget): string {
  if (target.kind === 'embedded') return target.dataDir === undefined ? 'pglite:memory' : `pglite:${target.dataDir}`;
  const host = target.socketPath === undefined ? target.host : '';
  const params = new URLSearchParams();
  if (target.socketPath !== undefined && target.host !== '/var/run/postgresql') params.set('host', target.host);
  const query = params.size > 0 ? `?${params}` : '';
  return `postgres://${encodeURIComponent(target.user)}@${host}${target.port === 5432 ? '' : `:${target.port}`}/${encodeURIComponent(target.database)}${query}`;
}
