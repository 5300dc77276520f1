/**
 * The embedded database's operator socket (schema/operator-socket.ts) with Debian's real psql: a
 * transaction an operator leaves open is ended (FATAL 25P03) so the master's queries go on; an operator's
 * settings are undone when they leave; at most so many operators at once; SSL requests are declined.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { startEmbedded, type EmbeddedServer } from '../../schema/embedded.js';

let dir: string;
let server: EmbeddedServer;
let master: postgres.Sql;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'piw-opsock-'));
  server = await startEmbedded({ dataDir: join(dir, 'pgdata'), operators: { role: 'piw_test', idleInTransactionMs: 1500 } });
  master = postgres({ path: server.socketPath, user: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
  await master.unsafe('CREATE ROLE piw_test; CREATE TABLE t (x INTEGER); GRANT ALL ON t TO piw_test; SET ROLE piw_test');
}, 60_000);
afterAll(async () => {
  await master.end();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

const args = () => ['-h', join(dir, 'pgdata'), '-U', 'postgres', '-X', '-At', 'postgres'];

/** Runs psql to the end (asynchronously: the database it talks to lives in this process). */
function psql(argv: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('psql', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += String(d)));
    p.stderr.on('data', (d) => (stderr += String(d)));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test("an operator's settings leave with them", async () => {
  const r = await psql([...args(), '-c', 'SET ROLE postgres', '-c', "SET TIME ZONE 'Asia/Tokyo'", '-c', 'SELECT current_user']);
  expect(r.stdout).toBe('SET\nSET\npostgres\n');
  // The set-back runs as the operator leaves; the master's next queries see its own session.
  for (let i = 0; i < 50; i++) {
    const [row] = await master`SELECT current_user AS u, current_setting('TimeZone') AS tz`;
    if (row!.u === 'piw_test' && row!.tz === 'UTC') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the session was not set back');
});

test('a transaction left open is ended, FATAL 25P03, and the master goes on; what it wrote is rolled back', async () => {
  const op = spawn('psql', [...args(), '-v', 'ON_ERROR_STOP=1'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  op.stderr.on('data', (d) => (stderr += String(d)));
  op.stdin.write('BEGIN;\nINSERT INTO t VALUES (1);\n');
  // The master's query waits behind the open transaction until the socket ends it.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const [row] = await master`SELECT count(*)::INTEGER AS n FROM t`;
  expect(row!.n).toBe(0);
  // psql reads the server's farewell when it next speaks.
  op.stdin.end('SELECT 1;\n');
  await new Promise((resolve) => op.on('close', resolve));
  expect(stderr).toContain('terminating connection due to idle-in-transaction timeout');
});

test('at most four operators at once', async () => {
  const held = Array.from({ length: 4 }, () => {
    const p = spawn('psql', args(), { stdio: ['pipe', 'pipe', 'pipe'] });
    p.stdin.write('SELECT 1;\n');
    return p;
  });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const fifth = await psql([...args(), '-c', 'SELECT 1']);
  expect(fifth.status).not.toBe(0);
  expect(fifth.stderr).toContain('too many operators');
  for (const p of held) p.stdin.end();
  await Promise.all(held.map((p) => new Promise((resolve) => p.on('close', resolve))));
});

test('a connection string works as a host directory does', async () => {
  const r = await psql([`host=${join(dir, 'pgdata')} user=postgres dbname=postgres`, '-X', '-At', '-c', 'SELECT 2']);
  expect(r.stdout).toBe('2\n');
});

test('a data directory too deep for a socket path: no operator socket, said why, and the database works', async () => {
  const deep = join(dir, 'a-directory-name-long-enough'.repeat(4), 'pgdata');
  const other = await startEmbedded({ dataDir: deep, operators: { role: 'postgres' } });
  try {
    expect(other.operatorSocket).toBeUndefined();
    expect(other.operatorsUnserved).toContain('.s.PGSQL.5432');
    expect(other.operatorsUnserved).toMatch(/more than a Unix socket's 107/);
    // Nothing bound at a cut-short path either (Node binds one rather than failing, and kept it listening).
    const cut = join(dir, 'a-directory-name-long-enough'.repeat(4)).slice(0, 107);
    await expect(stat(cut)).rejects.toMatchObject({ code: 'ENOENT' });
    const sql = postgres({ path: other.socketPath, user: 'postgres', database: 'postgres', max: 1 });
    expect((await sql`SELECT 1 AS one`)[0]!.one).toBe(1);
    await sql.end();
  } finally {
    await other.stop();
  }
}, 60_000);
