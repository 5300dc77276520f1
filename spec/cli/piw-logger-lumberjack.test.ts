/**
 * From an Apache log to the database: piw-logger as a real process reads a log file and pushes to a
 * Lumberjack task bound on ipc://, which stores the records on a real PostgreSQL server as the master role.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActor, waitFor } from 'xstate';
import { DatabaseLogSink } from '../../actors/lumberjack/database-sink.js';
import { lumberjackTask } from '../../actors/lumberjack/lumberjack.js';
import { memoryLogger } from '../../actors/runtime/logger.js';
import { openBackend, type TestBackend } from '../support/postgres.js';
import { MIXED, combined, tempDir } from '../actors/access-log/samples.js';
import { until } from '../actors/lumberjack/sinks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let b: TestBackend;
let dir: { path: string; remove(): Promise<void> };
beforeAll(async () => {
  b = await openBackend('postgres');
  dir = await tempDir();
});
afterAll(async () => {
  await b?.close();
  await dir?.remove();
});

function runLogger(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/piw-logger.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

it('behaviours 165 and 206: every classified line of a log file ends up in its table', async () => {
  const address = `ipc://${dir.path}/log`;
  const actor = createActor(lumberjackTask, { input: { address, sink: new DatabaseLogSink(b.db), log: memoryLogger('lumberjack'), batch: { flushDelayMs: 5 } } });
  actor.start();
  await waitFor(actor, (s) => s.value === 'running');
  try {
    const longPage = combined(`/${'very-long-page-name-'.repeat(3)}.html`);
    await writeFile(join(dir.path, 'access.log'), [...Object.values(MIXED), longPage].join('\n') + '\n');
    const result = await runLogger(['-v', '--log-queue', address, join(dir.path, 'access.log')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('read 10 lines: 1 downloads, 1 searches, 1 project hits, 1 JSON hits, 2 page hits; 3 ignored, 1 malformed, 0 dropped');
    const count = (table: string) => b.admin(async (sql) => Number((await sql.unsafe(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n));
    await until(async () => (await count('web_page_hits')) === 2);
    const when = new Date(Date.UTC(2020, 8, 15, 12));
    const rows = await b.admin(async (sql) => ({
      downloads: await sql`SELECT filename, host(accessed_by) AS host, accessed_at, arch, distro_name, distro_version, os_name, os_version,
        py_name, py_version, installer_name, installer_version, setuptools_version FROM downloads`,
      searches: await sql`SELECT package, host(accessed_by) AS host, accessed_at, py_name, py_version FROM searches`,
      projects: await sql`SELECT package, user_agent FROM project_page_hits`,
      jsons: await sql`SELECT package, user_agent FROM project_json_downloads`,
      pages: await sql`SELECT page FROM web_page_hits ORDER BY page`,
    }));
    expect(rows.downloads.map((r) => Object.values(r))).toEqual([
      ['numpy-1.18.1-cp37-cp37m-linux_armv7l.whl', '192.0.2.10', when, 'armv7l', 'Raspbian GNU/Linux', '10', 'Linux', '4.19.97-v7+', 'CPython', '3.7.3', 'pip', '20.0.2', '44.0.0'],
    ]);
    expect(rows.searches.map((r) => Object.values(r))).toEqual([['flask', '2001:db8::7', when, 'CPython', null]]);
    expect(rows.projects.map((r) => Object.values(r))).toEqual([['flask', 'Mozilla/5.0 "quoted" café']]);
    expect(rows.jsons.map((r) => Object.values(r))).toEqual([['flask', 'wget']]);
    // The 62-character page name is cut to the column's 30 instead of killing the Lumberjack.
    expect(rows.pages.map((r) => r.page)).toEqual(['faq', 'very-long-page-name-very-long-']);
  } finally {
    actor.send({ type: 'QUIT' });
    await waitFor(actor, (s) => s.status !== 'active');
  }
  expect(actor.getSnapshot().status).toBe('done');
});
