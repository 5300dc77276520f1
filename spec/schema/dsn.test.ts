/** DSNs (schema/dsn.ts): libpq-style server URLs and the embedded database's `pglite:` forms. */
import { defaultEmbeddedDir, describeTarget, formatDsn, parseDsn } from '../../schema/dsn.js';

const env = { PGHOST: undefined, PGPORT: undefined, PGUSER: 'me', PGPASSWORD: undefined, PGDATABASE: undefined } as unknown as NodeJS.ProcessEnv;

describe('server DSNs', () => {
  test("the manual's default postgres:///piwheels is the local socket's piwheels database", () => {
    expect(parseDsn('postgres:///piwheels', env)).toEqual({
      kind: 'server',
      host: '/var/run/postgresql',
      socketPath: '/var/run/postgresql/.s.PGSQL.5432',
      port: 5432,
      user: 'me',
      password: '',
      database: 'piwheels',
      ssl: undefined,
      applicationName: undefined,
    });
  });

  test('user, password, host, port and database come from the URL, percent-decoded', () => {
    expect(parseDsn('postgresql://pi%40x:s%3Acret@db.example.com:6543/farm%20db?sslmode=require', env)).toMatchObject({
      host: 'db.example.com',
      socketPath: undefined,
      port: 6543,
      user: 'pi@x',
      password: 's:cret',
      database: 'farm db',
      ssl: 'require',
    });
    expect(parseDsn('postgres://u@[::1]:5433/d', env)).toMatchObject({ host: '::1', port: 5433 });
  });

  test('a socket directory may be given percent-encoded or as host=, with the port naming the socket', () => {
    expect(parseDsn('postgres://u@%2Ftmp%2Fpg:7777/d', env)).toMatchObject({ host: '/tmp/pg', socketPath: '/tmp/pg/.s.PGSQL.7777' });
    expect(parseDsn('postgres:///d?host=/tmp/pg&port=7778&user=v', env)).toMatchObject({ socketPath: '/tmp/pg/.s.PGSQL.7778', user: 'v' });
  });

  test('missing parts fall back to PG* variables as libpq does', () => {
    const pgEnv = { PGHOST: '/run/pg', PGPORT: '6000', PGUSER: 'envuser', PGPASSWORD: 'pw', PGDATABASE: 'envdb' } as NodeJS.ProcessEnv;
    expect(parseDsn('postgres://', pgEnv)).toMatchObject({ socketPath: '/run/pg/.s.PGSQL.6000', user: 'envuser', password: 'pw', database: 'envdb' });
    expect(parseDsn('postgres://', { PGUSER: 'solo' } as NodeJS.ProcessEnv)).toMatchObject({ database: 'solo' });
  });

  test('bad DSNs are refused with the reason', () => {
    expect(() => parseDsn('mysql://x/y', env)).toThrow('Invalid DSN mysql://x/y: expected postgres://… for a server or pglite:… for the embedded database');
    expect(() => parseDsn('piwheels', env)).toThrow(/Invalid DSN piwheels/);
    expect(() => parseDsn('postgres://h:99999/d', env)).toThrow('Invalid DSN postgres://h:99999/d: bad port 99999');
    expect(() => parseDsn('postgres://h/d?colour=blue', env)).toThrow('unknown parameter colour');
    expect(() => parseDsn('postgres://h/d?sslmode=sometimes', env)).toThrow('unknown sslmode sometimes');
    expect(() => parseDsn('postgres://%zz@h/d', env)).toThrow('bad percent-encoding');
  });

  test('formatDsn gives a DSN that selects the same database, without the password', () => {
    for (const dsn of ['postgres://u:pw@db.example.com:6543/farm', 'postgres://u@/d?host=%2Ftmp%2Fpg', 'postgres://u@/piwheels']) {
      const target = parseDsn(dsn, env);
      const again = formatDsn(target);
      expect(again).not.toContain('pw');
      expect({ ...parseDsn(again, env), password: '' }).toEqual({ ...target, password: '' });
    }
    expect(describeTarget(parseDsn('postgres://u:pw@h/d', env))).toBe('database d as u on h:5432');
  });
});

describe('embedded DSNs', () => {
  test('pglite: forms name a directory, the default one or memory', () => {
    const xdg = { XDG_DATA_HOME: '/data' } as NodeJS.ProcessEnv;
    expect(parseDsn('pglite:', xdg)).toEqual({ kind: 'embedded', dataDir: '/data/piwheels/pgdata' });
    expect(parseDsn('pglite://', xdg)).toEqual({ kind: 'embedded', dataDir: '/data/piwheels/pgdata' });
    expect(parseDsn('pglite:/srv/db', env)).toEqual({ kind: 'embedded', dataDir: '/srv/db' });
    expect(parseDsn('pglite:///srv/db/', env)).toEqual({ kind: 'embedded', dataDir: '/srv/db/' });
    expect(parseDsn('pglite:memory', env)).toEqual({ kind: 'embedded', dataDir: undefined });
    expect(() => parseDsn('pglite:relative/dir', env)).toThrow(/needs an absolute directory/);
    expect(formatDsn({ kind: 'embedded', dataDir: '/srv/db' })).toBe('pglite:/srv/db');
  });

  test('the default directory follows XDG, then system accounts, then the home directory', () => {
    expect(defaultEmbeddedDir({ XDG_DATA_HOME: '/x' } as NodeJS.ProcessEnv, 1000)).toBe('/x/piwheels/pgdata');
    expect(defaultEmbeddedDir({} as NodeJS.ProcessEnv, 120)).toBe('/var/lib/piwheels/pgdata');
    expect(defaultEmbeddedDir({} as NodeJS.ProcessEnv, 1000)).toMatch(/\/\.local\/share\/piwheels\/pgdata$/);
    expect(defaultEmbeddedDir({} as NodeJS.ProcessEnv, 0)).toMatch(/\/\.local\/share\/piwheels\/pgdata$/);
  });
});
