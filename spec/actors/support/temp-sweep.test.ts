/**
 * Issue 11: the start-up sweep (actors/support/temp-sweep.ts) removes exactly the files its predicate
 * picks, through the whole tree, never following links out of it; and a file in this process's own name
 * counts as stale only when it is older than this process.
 */
import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { tempNameOwner } from '../../../actors/support/atomic-file.js';
import { staleUnlessOurs, sweepTree } from '../../../actors/support/temp-sweep.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'piw-sweep-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function files(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

test('tempNameOwner reads the pid of tempPathFor names only', () => {
  expect(tempNameOwner('.index.html.1234-1a.tmp')).toBe(1234);
  expect(tempNameOwner('.packages.json.7-0.tmp')).toBe(7);
  expect(tempNameOwner('index.html')).toBeUndefined();
  expect(tempNameOwner('.piw-transfer-3-abcdef.tmp')).toBeUndefined();
  expect(tempNameOwner('.index.html.tmp')).toBeUndefined();
  expect(tempNameOwner('index.html.1234-1.tmp')).toBeUndefined();
});

test('the sweep walks the whole tree and removes what the predicate picks, not following links out of it', async () => {
  const outside = await mkdtemp(path.join(os.tmpdir(), 'piw-sweep-outside-'));
  try {
    await writeFile(path.join(outside, '.victim.1-1.tmp'), 'x');
    await mkdir(path.join(dir, 'a', 'b', 'c'), { recursive: true });
    for (const f of ['.x.1-1.tmp', 'a/.y.2-2.tmp', 'a/b/c/.z.3-3.tmp', 'a/keep.html', 'a/b/.keep']) await writeFile(path.join(dir, f), 'x');
    await symlink(outside, path.join(dir, 'a', 'link'));
    const log = memoryLogger();
    const result = await sweepTree(dir, (name) => tempNameOwner(name) !== undefined, log);
    expect(result).toEqual({ removed: 3, directories: 4 });
    expect(await files(dir)).toEqual(['a/b/.keep', 'a/keep.html', 'a/link']);
    expect(await readdir(outside)).toEqual(['.victim.1-1.tmp']);
    expect(log.entries).toEqual([]);
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
});

test('a temp file in our own pid is stale only when older than this process (a dead run whose pid came back)', async () => {
  const ours = path.join(dir, `.index.html.${process.pid}-1.tmp`);
  await writeFile(ours, 'x');
  expect(await staleUnlessOurs(ours, process.pid, performance.timeOrigin)).toBe(false);
  const old = new Date(performance.timeOrigin - 60_000);
  await utimes(ours, old, old);
  expect(await staleUnlessOurs(ours, process.pid, performance.timeOrigin)).toBe(true);
  expect(await staleUnlessOurs(path.join(dir, 'x'), process.pid + 1, performance.timeOrigin)).toBe(true);
});
