/**
 * Two uploaders finishing together must not lose each other's index entries (issue 13). The race is made
 * to happen, not hoped for: worker A is held just before it writes index.html (its listing taken before
 * B's file existed) while B uploads and writes its complete index; then A writes its stale index over
 * B's. A's next listing shows B's file, so A writes the index again, whole. With one round allowed, A
 * gives up instead, and the index then lacks B's file: the loop is what saves it.
 */
import { createHash } from 'node:crypto';
import { createLogger } from '../../../actors/runtime/logger.js';
import { openContainer } from '../../../actors/storage/container.js';
import type { Storage } from '../../../actors/storage/storage.js';
import { Templates } from '../../../actors/scribe/templates.js';
import { filesInIndex } from '../../../actors/wheelhouse/index-pages.js';
import { updateIndex } from '../../../actors/wheelhouse/index-update.js';
import { startS3Server, type S3Server } from '../../../scripts/s3-standin/server.js';

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3.stop();
});

const log = createLogger('test', { sink: () => {} });
const templates = new Templates();
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
let n = 0;

/** A storage whose first write of index.html waits until `release()`; `reached` resolves when it starts waiting. */
function holdFirstIndexWrite(inner: Storage) {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const atGate = new Promise<void>((r) => (reached = r));
  let held = false;
  const storage = new Proxy(inner, {
    get(target, name) {
      if (name === 'put') {
        return async (key: string, source: Parameters<Storage['put']>[1], opts?: Parameters<Storage['put']>[2]) => {
          if (key === 'index.html' && !held) {
            held = true;
            reached();
            await gate;
          }
          return target.put(key, source, opts);
        };
      }
      const value = Reflect.get(target, name) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { storage, release, reached: atGate };
}

async function race(maxRoundsA?: number) {
  const container = `s3://race-${++n}-${process.pid}/wheels`;
  const open = () => openContainer(container, { endpointUrl: s3.endpoint, username: 'S3RVER', secret: 'S3RVER' });
  const [a, b, reader] = [open(), open(), open()];
  await a.ensure();
  const files = { a: 'alpha-1.0-py3-none-any.whl', b: 'beta-1.0-py3-none-any.whl' };
  await a.put(files.a, { body: 'A' }, { sha256: sha('A') });
  const held = holdFirstIndexWrite(a);
  const workerA = updateIndex({ storage: held.storage, templates, uploaded: new Map([[files.a, sha('A')]]), log, ...(maxRoundsA ? { maxRounds: maxRoundsA } : {}) });
  workerA.catch(() => {});
  await held.reached;
  await b.put(files.b, { body: 'B' }, { sha256: sha('B') });
  const resultB = await updateIndex({ storage: b, templates, uploaded: new Map([[files.b, sha('B')]]), log });
  const indexAfterB = filesInIndex(await reader.readText('index.html'));
  held.release();
  return { workerA, resultB, indexAfterB, reader, files, close: () => [a, b, reader].forEach((s) => s.close()) };
}

test('the second writer of a stale index notices the newcomer and writes the index again, whole', async () => {
  const r = await race();
  try {
    expect(r.resultB).toMatchObject({ files: 2, rounds: 1 });
    expect([...r.indexAfterB.keys()].sort()).toEqual([r.files.a, r.files.b]);
    const resultA = await r.workerA;
    expect(resultA).toMatchObject({ files: 2, rounds: 2 });
    const index = filesInIndex(await r.reader.readText('index.html'));
    expect(index).toEqual(new Map([[r.files.a, sha('A')], [r.files.b, sha('B')]]));
    expect(await r.reader.readText('simple/alpha/index.html')).toContain(`../../${r.files.a}#sha256=${sha('A')}`);
    expect(await r.reader.readText('simple/beta/index.html')).toContain(`../../${r.files.b}#sha256=${sha('B')}`);
    expect(await r.reader.readText('simple/index.html')).toMatch(/alpha\/[\s\S]*beta\//);
  } finally {
    r.close();
  }
});

test('control: allowed one round, the stale writer gives up, and its index has lost the other file', async () => {
  const r = await race(1);
  try {
    await expect(r.workerA).rejects.toMatchObject({ code: 'PIW_ERR_WHEELHOUSE_INDEX' });
    expect([...filesInIndex(await r.reader.readText('index.html')).keys()]).toEqual([r.files.a]);
  } finally {
    r.close();
  }
});

test('hashes of files other tools put there come from their objects; files without one are linked bare', async () => {
  const storage = openContainer(`s3://foreign-${process.pid}/`, { endpointUrl: s3.endpoint, username: 'S3RVER', secret: 'S3RVER' });
  try {
    await storage.ensure();
    await storage.put('other-1.0.tar.gz', { body: 'O' }, { sha256: sha('O') });
    await storage.put('bare-1.0.tar.gz', { body: 'X' });
    await storage.put('mine-1.0-py3-none-any.whl', { body: 'M' }, { sha256: sha('M') });
    const result = await updateIndex({ storage, templates, uploaded: new Map([['mine-1.0-py3-none-any.whl', sha('M')]]), log });
    expect(result.files).toBe(3);
    expect(filesInIndex(await storage.readText('index.html'))).toEqual(
      new Map([['bare-1.0.tar.gz', undefined], ['mine-1.0-py3-none-any.whl', sha('M')], ['other-1.0.tar.gz', sha('O')]]),
    );
  } finally {
    storage.close();
  }
});
