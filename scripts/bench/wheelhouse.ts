/**
 * piw-wheelhouse throughput (issue 13): upload and fetch of (a) 100 wheels of 512 KiB and (b) one 256 MiB
 * wheel, to and from a local directory container (file://) and an S3-compatible server on loopback
 * (s3rver, a Node process: its own speed bounds the S3 figures; a real MinIO or S3 would be faster).
 * Measured through the same code the CLI runs (uploadFolder / fetchArtifacts): SHA-256 of every local file,
 * the transfers, the index rebuild; fetch verifies every hash. Incompressible content. Asserts nothing.
 *
 *   npx tsx scripts/bench/wheelhouse.ts [--wheels 100] [--wheel-kib 512] [--big-mib 256] [--workers 4] [--dir /tmp]
 */
import { randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../../actors/runtime/logger.js';
import { Templates } from '../../actors/scribe/templates.js';
import { openContainer } from '../../actors/storage/container.js';
import type { Storage } from '../../actors/storage/storage.js';
import { fetchArtifacts, type FetchSource } from '../../actors/wheelhouse/fetch.js';
import { uploadFolder } from '../../actors/wheelhouse/upload.js';
import { startS3Server } from '../s3-standin/server.js';

const { values: args } = parseArgs({
  options: {
    wheels: { type: 'string', default: '100' },
    'wheel-kib': { type: 'string', default: '512' },
    'big-mib': { type: 'string', default: '256' },
    workers: { type: 'string', default: '4' },
    dir: { type: 'string', default: tmpdir() },
  },
});
const WHEELS = Number(args.wheels);
const WHEEL_KIB = Number(args['wheel-kib']);
const BIG_MIB = Number(args['big-mib']);
const WORKERS = Number(args.workers);
const log = createLogger('bench', { sink: () => {} });
const templates = new Templates();

async function writeRandom(path: string, bytes: number): Promise<void> {
  const handle = await open(path, 'w');
  const chunk = Buffer.alloc(Math.min(bytes, 4 << 20));
  try {
    for (let left = bytes; left > 0; left -= chunk.length) {
      randomFillSync(chunk);
      await handle.write(chunk, 0, Math.min(left, chunk.length));
    }
  } finally {
    await handle.close();
  }
}

const mib = (bytes: number) => bytes / 2 ** 20;
const rows: string[][] = [['target', 'set', 'operation', 'files', 'MiB', 'seconds', 'MiB/s']];
function row(target: string, set: string, op: string, files: number, bytes: number, seconds: number) {
  rows.push([target, set, op, String(files), mib(bytes).toFixed(1), seconds.toFixed(2), (mib(bytes) / seconds).toFixed(1)]);
}

async function measure(target: string, set: string, folder: string, files: number, bytes: number, storage: () => Storage, pages: FetchSource[], project: string) {
  const up = storage();
  let t = performance.now();
  const summary = await uploadFolder({ storage: up, templates, folder, log, maxWorkers: WORKERS, force: true });
  row(target, set, 'upload (hash, send, index)', summary.uploaded.length, bytes, (performance.now() - t) / 1000);
  up.close();
  if (summary.uploaded.length !== files) throw new Error(`uploaded ${summary.uploaded.length} of ${files}`);
  for (const source of pages) {
    const out = await mkdtemp(join(args.dir!, 'piw-bench-fetch-'));
    try {
      t = performance.now();
      const got = await fetchArtifacts({ project, version: '1.0', sources: [source], folder: out, log, maxWorkers: WORKERS });
      const how = source.kind === 'page' ? (source.url.startsWith('http') ? 'fetch (HTTP index)' : 'fetch (file:// index)') : 'fetch (storage API)';
      row(target, set, `${how}, verified`, got.fetched.length, got.bytes, (performance.now() - t) / 1000);
      if (got.fetched.length !== files) throw new Error(`fetched ${got.fetched.length} of ${files}`);
    } finally {
      if (source.kind === 'container') source.storage.close();
      await rm(out, { recursive: true, force: true });
    }
  }
}

const root = await mkdtemp(join(args.dir!, 'piw-bench-wheelhouse-'));
const s3 = await startS3Server();
try {
  const many = join(root, 'many');
  const big = join(root, 'big');
  await mkdir(many);
  await mkdir(big);
  for (let i = 0; i < WHEELS; i++) await writeRandom(join(many, `many${i}-1.0-cp311-cp311-linux_armv7l.whl`), WHEEL_KIB * 1024);
  await writeRandom(join(big, 'big-1.0-cp311-cp311-linux_armv7l.whl'), BIG_MIB * 2 ** 20);
  const sets = [
    { set: `${WHEELS} × ${WHEEL_KIB} KiB`, folder: many, files: WHEELS, bytes: WHEELS * WHEEL_KIB * 1024, projects: Array.from({ length: WHEELS }, (_, i) => `many${i}`) },
    { set: `1 × ${BIG_MIB} MiB`, folder: big, files: 1, bytes: BIG_MIB * 2 ** 20, projects: ['big'] },
  ];
  for (const s of sets) {
    // Each of the 100 wheels is its own project: fetch is per project, so fetch times add up over them.
    const local = join(root, `house-${s.files}`);
    const localUrl = pathToFileURL(local).href;
    const bucket = `s3://bench-${s.files}-${process.pid}/w`;
    const s3Storage = () => openContainer(bucket, { endpointUrl: s3.endpoint, username: 'S3RVER', secret: 'S3RVER' });
    const project = s.projects.length === 1 ? s.projects[0]! : undefined;
    if (project !== undefined) {
      await measure('directory', s.set, s.folder, s.files, s.bytes, () => openContainer(localUrl), [{ kind: 'page', url: `${localUrl}/index.html` }], project);
      await measure('s3rver', s.set, s.folder, s.files, s.bytes, s3Storage, [
        { kind: 'container', storage: s3Storage() },
        { kind: 'page', url: `${s3.endpoint}/bench-${s.files}-${process.pid}/w/index.html` },
      ], project);
    } else {
      // 100 projects: upload once, then fetch all of them (one fetch per project, as a maintainer would script it).
      for (const [target, storage, source] of [
        ['directory', () => openContainer(localUrl), (): FetchSource => ({ kind: 'page', url: `${localUrl}/index.html` })],
        ['s3rver', s3Storage, (): FetchSource => ({ kind: 'container', storage: s3Storage() })],
      ] as const) {
        const up = storage();
        let t = performance.now();
        await uploadFolder({ storage: up, templates, folder: s.folder, log, maxWorkers: WORKERS, force: true });
        row(target, s.set, 'upload (hash, send, index)', s.files, s.bytes, (performance.now() - t) / 1000);
        up.close();
        const out = await mkdtemp(join(args.dir!, 'piw-bench-fetch-'));
        t = performance.now();
        let bytes = 0;
        for (const p of s.projects) {
          const src = source();
          bytes += (await fetchArtifacts({ project: p, version: '1.0', sources: [src], folder: out, log, maxWorkers: WORKERS })).bytes;
          if (src.kind === 'container') src.storage.close();
        }
        row(target, s.set, `fetch ×${s.projects.length} projects, verified`, s.files, bytes, (performance.now() - t) / 1000);
        await rm(out, { recursive: true, force: true });
      }
    }
  }
} finally {
  await s3.stop();
  await rm(root, { recursive: true, force: true });
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(`piw-wheelhouse throughput, ${WORKERS} workers, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end`);
for (const r of rows) console.log(r.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  '));
