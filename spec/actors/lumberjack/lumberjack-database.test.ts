/**
 * The Lumberjack on a real PostgreSQL server: records pushed over ZeroMQ land in their tables through
 * the batch functions, and a database connection killed under it loses nothing.
 */
import { createActor, waitFor } from 'xstate';
import { createLogPusher } from '../../../actors/access-log/log-pusher.js';
import { DatabaseLogSink } from '../../../actors/lumberjack/database-sink.js';
import { lumberjackTask } from '../../../actors/lumberjack/lumberjack.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { openBackend, type TestBackend } from '../../support/postgres.js';
import { tempDir } from '../access-log/samples.js';
import { until } from './sinks.js';

let b: TestBackend;
let dir: { path: string; remove(): Promise<void> };

beforeAll(async () => {
  b = await openBackend('postgres');
});
afterAll(() => b?.close());
beforeEach(async () => {
  await b.reset();
  dir = await tempDir();
});
afterEach(() => dir.remove());

const count = (table: string) => b.admin(async (sql) => Number((await sql.unsafe(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n));
const WHEN = new Date(Date.UTC(2020, 8, 15, 12));

async function withLumberjack(fn: (push: (i: number) => Promise<boolean>) => Promise<void>) {
  const address = `ipc://${dir.path}/log`;
  const log = memoryLogger('lumberjack');
  const actor = createActor(lumberjackTask, {
    input: { address, log, sink: new DatabaseLogSink(b.db), batch: { flushDelayMs: 5, retryInitialMs: 5 } },
  });
  actor.start();
  await waitFor(actor, (s) => s.value === 'running');
  const pusher = createLogPusher({ address, drop: false });
  try {
    await fn((i) =>
      pusher.send(
        pusher.encode(
          i % 2
            ? { verb: 'LOGPAGE', data: [`page${i}`, '192.0.2.1', WHEN, 'Mozilla/5.0'] }
            : { verb: 'LOGSEARCH', data: [`pkg${i}`, '2001:db8::1', WHEN, null, null, null, null, null, 'CPython', null, null, null, null] },
        ),
      ),
    );
  } finally {
    actor.send({ type: 'QUIT' });
    await waitFor(actor, (s) => s.status !== 'active');
    pusher.close();
  }
  return log;
}

describe('the Lumberjack on PostgreSQL', () => {
  it('behaviour 165: stores every record pushed to it, each kind in its table', async () => {
    await withLumberjack(async (push) => {
      for (let i = 0; i < 1000; i++) await push(i);
      await until(async () => (await count('web_page_hits')) === 500 && (await count('searches')) === 500);
    });
    const pages = await b.admin((sql) => sql`SELECT page, host(accessed_by) AS host, accessed_at, user_agent FROM web_page_hits WHERE page = 'page7'`);
    expect(pages.map((r) => Object.values(r))).toEqual([['page7', '192.0.2.1', WHEN, 'Mozilla/5.0']]);
  });

  it('loses nothing when its database connection is killed under it', async () => {
    const log = await withLumberjack(async (push) => {
      for (let i = 0; i < 200; i++) await push(i);
      await until(async () => (await count('web_page_hits')) === 100);
      await b.admin((sql) => sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'piwheels' AND datname = current_database()`);
      for (let i = 200; i < 400; i++) await push(i);
      await until(async () => (await count('web_page_hits')) === 200 && (await count('searches')) === 200);
    });
    expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
    const distinct = await b.admin(async (sql) => Number((await sql`SELECT COUNT(DISTINCT page) AS n FROM web_page_hits`)[0]!.n));
    expect(distinct).toBe(200);
  });
});
