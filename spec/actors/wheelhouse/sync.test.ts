/**
 * Mirroring a master's output to a container (piw-wheelhouse sync): links inside the output become
 * copies, hidden temp files and links out of the output are left out; only changed files are sent; no
 * page is ever sent before the files it links, and deletions come last. Against s3rver and a directory.
 */
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../actors/runtime/logger.js';
import { openContainer } from '../../../actors/storage/container.js';
import { FileStorage } from '../../../actors/storage/file-storage.js';
import type { Storage } from '../../../actors/storage/storage.js';
import { syncOutput } from '../../../actors/wheelhouse/sync.js';
import { startS3Server, type S3Server } from '../../../scripts/s3-standin/server.js';

let s3: S3Server;
let dir: string;
let out: string;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'piw-sync-'));
  out = join(dir, 'www');
  const wheel = 'foo-1.0-cp311-cp311-linux_armv7l.whl';
  await mkdir(join(out, 'simple', 'foo'), { recursive: true });
  await mkdir(join(out, 'project', 'foo'), { recursive: true });
  await writeFile(join(out, 'index.html'), '<a href="simple/">index</a>');
  await writeFile(join(out, 'styles.css'), 'body {}');
  await writeFile(join(out, 'simple', 'index.html'), '<a href="foo/">foo</a>');
  await writeFile(join(out, 'simple', 'foo', 'index.html'), `<a href="${wheel}">w</a>`);
  await writeFile(join(out, 'simple', 'foo', wheel), 'wheel bytes');
  await symlink(wheel, join(out, 'simple', 'foo', 'foo-1.0-cp311-cp311-linux_armv6l.whl'));
  await writeFile(join(out, 'simple', '.piw-transfer-1-abc.tmp'), 'half a wheel');
  await writeFile(join(out, 'project', 'foo', 'index.html'), 'project page');
  await symlink('foo', join(out, 'project', 'Foo'));
  await symlink('/etc/hostname', join(out, 'project', 'outside.html'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const log = createLogger('test', { sink: () => {} });

/** Records every write and deletion, in order. */
function recording(inner: Storage) {
  const events: string[] = [];
  const storage = new Proxy(inner, {
    get(target, name) {
      if (name === 'put') return (key: string, ...rest: [never, never]) => (events.push(`put ${key}`), target.put(key, ...rest));
      if (name === 'delete') return (keys: string[]) => (events.push(...keys.map((k) => `delete ${k}`)), target.delete(keys));
      const value = Reflect.get(target, name) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { storage, events };
}

const containers: [string, () => Storage][] = [
  ['s3rver', () => openContainer(`s3://mirror-${process.pid}-${Math.random().toString(36).slice(2, 8)}/site`, { endpointUrl: s3.endpoint, username: 'S3RVER', secret: 'S3RVER' })],
  ['a directory', () => new FileStorage(join(dir, 'mirror'))],
];

describe.each(containers)('to %s', (_, make) => {
  test('links are copied, temp files and links out are left out; a second sync sends nothing', async () => {
    const target = make();
    try {
      const first = await syncOutput({ storage: target, outputDir: out, log });
      expect(first.uploaded.map((f) => f.name)).toEqual([
        'index.html',
        'project/Foo/index.html',
        'project/foo/index.html',
        'simple/foo/foo-1.0-cp311-cp311-linux_armv6l.whl',
        'simple/foo/foo-1.0-cp311-cp311-linux_armv7l.whl',
        'simple/foo/index.html',
        'simple/index.html',
        'styles.css',
      ]);
      expect(await target.readText('simple/foo/foo-1.0-cp311-cp311-linux_armv6l.whl')).toBe('wheel bytes');
      expect(await target.readText('project/Foo/index.html')).toBe('project page');
      const second = await syncOutput({ storage: target, outputDir: out, log });
      expect(second).toMatchObject({ uploaded: [], unchanged: 8, deleted: [] });
    } finally {
      target.close();
    }
  });

  test('files before the pages that link them, deeper pages first, deletions last; rewritten-but-same pages are not sent', async () => {
    const target = make();
    try {
      await syncOutput({ storage: target, outputDir: out, log });
      // A new version, a removed wheel, a page rewritten with the same content (newer mtime).
      await writeFile(join(out, 'simple', 'foo', 'foo-2.0-py3-none-any.whl'), 'new wheel');
      await writeFile(join(out, 'simple', 'foo', 'index.html'), '<a href="foo-2.0-py3-none-any.whl">w</a>');
      await rm(join(out, 'simple', 'foo', 'foo-1.0-cp311-cp311-linux_armv7l.whl'));
      await rm(join(out, 'simple', 'foo', 'foo-1.0-cp311-cp311-linux_armv6l.whl'));
      await writeFile(join(out, 'simple', 'index.html'), '<a href="foo/">foo</a>');
      const later = new Date(Date.now() + 5000);
      await utimes(join(out, 'simple', 'index.html'), later, later);
      await writeFile(join(out, 'index.html'), '<a href="simple/">index, again</a>');
      await utimes(join(out, 'index.html'), later, later);
      const { storage, events } = recording(target);
      const summary = await syncOutput({ storage, outputDir: out, log });
      expect(events).toEqual([
        'put simple/foo/foo-2.0-py3-none-any.whl',
        'put simple/foo/index.html',
        'put index.html',
        'delete simple/foo/foo-1.0-cp311-cp311-linux_armv6l.whl',
        'delete simple/foo/foo-1.0-cp311-cp311-linux_armv7l.whl',
      ]);
      expect(summary.unchanged).toBe(4);
      const dry = await syncOutput({ storage: target, outputDir: out, log, dryRun: true });
      expect(dry).toMatchObject({ uploaded: [], deleted: [], dryRun: true });
    } finally {
      target.close();
    }
  });
});
