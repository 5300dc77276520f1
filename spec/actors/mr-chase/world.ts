/**
 * A master for the Mr Chase and tool tests, with nothing faked but the Slave Driver's skip queue: Mr Chase
 * on an ipc socket in a temp dir; the File Juggler on a loopback port writing into a real output directory;
 * Seraph and the Oracles on a database of the run's PostgreSQL server; the Scribe serving the web queue
 * (straight, without the Secretary's buffer) over that database; the skip queue answered OK by a recorder.
 * Every web, skip and stats message is recorded in order in `events` (`web BOTH foo`, `skip DELVER foo 1.0`,
 * `stats HOME`), and `onWeb` / `onSkip` let a test look at the database at the moment each arrives.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { FileJuggler, type FileJugglerOptions } from '../../../actors/file-juggler/index.js';
import { MrChase, type MrChaseOptions } from '../../../actors/mr-chase/index.js';
import { DbClient } from '../../../actors/oracle/db-client.js';
import { serveDatabase } from '../../../actors/oracle/task.js';
import { createBus, type Bus } from '../../../actors/runtime/bus.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { queues } from '../../../actors/runtime/queues.js';
import type { ScribeData } from '../../../actors/scribe/data.js';
import { DbScribeData } from '../../../actors/scribe/db-data.js';
import { Scribe } from '../../../actors/scribe/scribe.js';
import { createRequestClient } from '../../../actors/zmq/request.js';
import { importerProtocol } from '../../../protocols/mr-chase.js';
import type { Message } from '../../../protocols/protocol.js';
import type { theSecretaryProtocol } from '../../../protocols/scribe.js';
import type { skipProtocol } from '../../../protocols/cloud-gazer.js';
import type { TestBackend } from '../../support/postgres.js';

export type WebMessage = Message<(typeof theSecretaryProtocol)['recv']>;
export type SkipMessage = Message<(typeof skipProtocol)['recv']>;

/** The Scribe's reads and writes, answered by the Oracle over the bus (as the master's Scribe task's are). */
export function oracleScribeData(db: DbClient): ScribeData {
  return new DbScribeData(db);
}

const show = (msg: { verb: string; data?: unknown }) =>
  [msg.verb, ...(msg.data === undefined ? [] : Array.isArray(msg.data) ? msg.data : typeof msg.data === 'string' ? [msg.data] : ['…'])].join(' ');

export interface World {
  backend: TestBackend;
  bus: Bus;
  log: ReturnType<typeof memoryLogger>;
  chase: MrChase;
  juggler: FileJuggler;
  /** The import queue (ipc). */
  address: string;
  /** The file queue as a client reaches it (tcp://127.0.0.1:PORT). */
  fileQueue: string;
  root: string;
  output: string;
  events: string[];
  onWeb: ((msg: WebMessage) => Promise<void>) | undefined;
  onSkip: ((msg: SkipMessage) => Promise<void>) | undefined;
  /** A piw-import / piw-remove / piw-rebuild REQ client of the import queue. */
  client(timeoutMs?: number): ReturnType<typeof createRequestClient<(typeof importerProtocol)['recv'], (typeof importerProtocol)['send']>>;
  /** Adds build ABIs, packages and versions. */
  seed(what: { abis?: string[]; versions?: [string, string][]; packages?: string[] }): Promise<void>;
  /** Every package directory and what is in it, under the output's simple/ and project/ (relative, sorted). */
  site(): Promise<string[]>;
  /** `pkg ver abi status built_by` of every build, with its files. */
  builds(): Promise<{ build: string; files: string[]; output: string }[]>;
  close(): Promise<void>;
}

export interface WorldOptions {
  chase?: Partial<Omit<MrChaseOptions, 'bus' | 'log'>>;
  juggler?: Partial<Omit<FileJugglerOptions, 'bus' | 'log' | 'output'>>;
}

/** Starts a master on `backend` (emptied first). */
export async function startWorld(backend: TestBackend, opts: WorldOptions = {}): Promise<World> {
  await backend.reset();
  const root = await mkdtemp(join(tmpdir(), 'piw-chase-'));
  const output = join(root, 'www');
  const bus = createBus();
  const log = memoryLogger('master');
  const served = serveDatabase({ bus, db: backend.db });
  const db = new DbClient(bus);
  const events: string[] = [];
  const juggler = await FileJuggler.start({ bus, log: log.child('file_juggler'), output, address: 'tcp://127.0.0.1:*', ...opts.juggler });
  const scribe = new Scribe({ data: oracleScribeData(db), output, log: log.child('the_scribe') });
  await scribe.start();
  const world: World = {
    backend,
    bus,
    log,
    chase: undefined as unknown as MrChase,
    juggler,
    address: `ipc://${root}/import-queue`,
    fileQueue: juggler.endpoint,
    root,
    output,
    events,
    onWeb: undefined,
    onSkip: undefined,
    client: (timeoutMs = 30_000) => createRequestClient({ protocol: importerProtocol, address: world.address, timeoutMs }),
    async seed({ abis = [], versions = [], packages = [] }) {
      for (const abi of abis) await backend.admin((sql) => sql`INSERT INTO build_abis (abi_tag) VALUES (${abi}) ON CONFLICT DO NOTHING`);
      for (const pkg of packages) await backend.db.addNewPackage(pkg);
      for (const [pkg, ver] of versions) {
        await backend.db.addNewPackage(pkg);
        await backend.db.addNewPackageVersion(pkg, ver, new Date('2024-01-01T00:00:00Z'));
      }
    },
    site: async () => (await walk(output, output)).filter((p) => /^(simple|project)\/[^/]+\//.test(p)),
    async builds() {
      const rows = await backend.admin(
        (sql) => sql<{ build_id: number; package: string; version: string; abi_tag: string; status: boolean; built_by: number; output: string }[]>`
          SELECT b.build_id, b.package, b.version, b.abi_tag, b.status, b.built_by, o.output
          FROM builds b LEFT JOIN output o USING (build_id) ORDER BY b.build_id`,
      );
      const files = await backend.admin((sql) => sql<{ build_id: number; filename: string; filesize: number; filehash: string }[]>`
        SELECT build_id, filename, filesize, filehash FROM files ORDER BY filename`);
      return rows.map((r) => ({
        build: `${r.package} ${r.version} ${r.abi_tag} ${r.status} ${r.built_by}`,
        files: files.filter((f) => f.build_id === r.build_id).map((f) => `${f.filename} ${f.filesize} ${f.filehash}`),
        output: r.output,
      }));
    },
    async close() {
      await world.chase?.stop();
      await juggler.stop();
      await served.stop();
      bus.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  bus.serve(queues.web, async (msg) => {
    events.push(`web ${show(msg)}`);
    await world.onWeb?.(msg);
    // the Secretary's part: piw-rebuild's REBUILD is that rewrite, at once
    await scribe.handle(msg.verb === 'REBUILD' ? { verb: msg.data[0], data: msg.data[1] } : msg);
    return { verb: 'DONE' };
  });
  bus.serve(queues.skip, async (msg) => {
    events.push(`skip ${show(msg)}`);
    await world.onSkip?.(msg);
    return { verb: 'OK' };
  });
  bus.listen(queues.stats, (msg) => {
    if (msg.verb === 'HOME') events.push('stats HOME');
  });
  try {
    world.chase = await MrChase.start({ bus, log: log.child('mr_chase'), address: world.address, ...opts.chase });
  } catch (err) {
    await world.close();
    throw err;
  }
  return world;
}

async function walk(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    out.push(relative(root, path) + (entry.isDirectory() ? '/' : entry.isSymbolicLink() ? ' ->' : ''));
    if (entry.isDirectory()) out.push(...(await walk(root, path)));
  }
  return out.sort();
}
