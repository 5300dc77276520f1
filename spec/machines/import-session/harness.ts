/**
 * A stand-in world for the import-session machine: an Oracle, a File Juggler, a Secretary and a Slave
 * Driver kept in memory, each call recorded in order as a line like `VEREXISTS foo 0.1` or `reply SEND x`,
 * so a test states the exact sequence a behaviour requires.
 */
import { createActor, SimulatedClock } from 'xstate';
import { createImportSessionMachine } from '../../../machines/import-session/services.js';
import type { ImportSessionServices } from '../../../machines/import-session/services.js';
import type { ImportSessionInput } from '../../../machines/import-session/types.js';
import { TimeDelta } from '../../../protocols/index.js';
import type { BuildStateWire, FileStateWire, OracleResult } from '../../../protocols/index.js';

export const HASH = 'c'.repeat(64);

export function wheel(filename: string, size = 1000): FileStateWire {
  const parts = filename.slice(0, -4).split('-');
  const [pkg, ver] = parts as [string, string];
  const [py, abi, plat] = parts.slice(-3) as [string, string, string];
  return [filename, size, HASH, pkg, ver, py, abi === 'noabi' ? 'none' : abi, plat, {}];
}

export function importOf(files: FileStateWire[], overrides: { slaveId?: number; pkg?: string; version?: string; abi?: string; status?: boolean } = {}): BuildStateWire {
  return [
    overrides.slaveId ?? 0,
    overrides.pkg ?? 'foo',
    overrides.version ?? '0.1',
    overrides.abi ?? 'cp34m',
    overrides.status ?? true,
    new TimeDelta(0, 0, 0),
    'Imported manually via piw-import',
    files,
  ];
}

export interface World {
  abis: Set<string>;
  packages: Set<string>;
  /** `pkg version` pairs. */
  versions: Set<string>;
  projectVersions: OracleResult<'PROJVERS'>;
  /** VERIFY answers in order; true once they run out. */
  verifyAnswers: boolean[];
  /** Services that reject, with their error message. */
  failing: Partial<Record<keyof ImportSessionServices, string>>;
  /** Services that never settle (to hold the session in a busy state). */
  hanging: Set<keyof ImportSessionServices>;
}

export function makeWorld(overrides: Partial<World> = {}): World {
  return {
    abis: new Set(['cp34m', 'cp35m']),
    packages: new Set(['foo']),
    versions: new Set(['foo 0.1']),
    projectVersions: [],
    verifyAnswers: [],
    failing: {},
    hanging: new Set(),
    ...overrides,
  };
}

const show = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : Array.isArray(value)
      ? value.map(show).join(' ')
      : value instanceof TimeDelta
        ? 'duration'
        : JSON.stringify(value);

export function runSession(world: World, input: Partial<ImportSessionInput> = {}) {
  const calls: string[] = [];
  const clock = new SimulatedClock();
  const logs: string[] = [];
  const query =
    <I, O>(name: keyof ImportSessionServices, label: (input: I) => string, answer: (input: I) => O) =>
    (input: I): Promise<O> => {
      calls.push(label(input));
      if (world.hanging.has(name)) return new Promise<O>(() => {});
      const failure = world.failing[name];
      return failure === undefined ? Promise.resolve(answer(input)) : Promise.reject(new Error(failure));
    };
  const services: ImportSessionServices = {
    reply: (client, reply) => calls.push(`reply ${reply.verb}${reply.data === undefined ? '' : ` ${reply.data}`}${client === 'c1' ? '' : ` to ${client}`}`),
    pushStats: (msg) => calls.push(`stats ${msg.verb}`),
    refreshBuilds: () => calls.push('refresh'),
    log: (_, entry) => logs.push(`${entry.level}: ${entry.message}`),
    getAbis: query('getAbis', () => 'GETABIS', () => world.abis),
    versionExists: query('versionExists', (i) => `VEREXISTS ${i.package} ${i.version}`, (i) => world.versions.has(`${i.package} ${i.version}`)),
    packageExists: query('packageExists', (i) => `PKGEXISTS ${i.package}`, (i) => world.packages.has(i.package)),
    logBuild: query('logBuild', (b) => `LOGBUILD ${show(b.slice(0, 5))} ${b[7].map((f) => f[0]).join(',')}`, () => 1),
    expectFile: query('expectFile', (i) => `EXPECT ${i.slaveId} ${i.file[0]}`, () => undefined),
    verifyFile: query('verifyFile', (i) => `VERIFY ${i.slaveId} ${i.package}`, () => world.verifyAnswers.shift() ?? true),
    requestPages: query('requestPages', (m) => `web ${m.verb} ${show(m.data)}`, () => undefined),
    skipDeleted: query('skipDeleted', (m) => `skip ${m.verb} ${show(m.data)}`, () => undefined),
    skipPackage: query('skipPackage', (i) => `SKIPPKG ${i.package} ${i.reason}`, () => undefined),
    skipVersion: query('skipVersion', (i) => `SKIPVER ${i.package} ${i.version} ${i.reason}`, () => undefined),
    deletePackage: query('deletePackage', (i) => `DELPKG ${i.package}`, () => undefined),
    deleteVersion: query('deleteVersion', (i) => `DELVER ${i.package} ${i.version}`, () => undefined),
    deleteBuild: query('deleteBuild', (i) => `DELBUILD ${i.package} ${i.version}`, () => undefined),
    projectVersions: query('projectVersions', (i) => `PROJVERS ${i.package}`, () => world.projectVersions),
    allPackages: query('allPackages', () => 'ALLPKGS', () => world.packages),
    // As the database decides: a known package or version is updated, unless a skip is asked of it.
    addPackage: query(
      'addPackage',
      (i) => `ADDPKG ${i.package} as ${i.display} ${show([i.description, i.skip, i.unskip, i.aliases])}`,
      (i) => (!world.packages.has(i.package) ? 'NEWPKG' : i.skip !== '' ? 'SKIPPKG' : 'UPDPKG'),
    ),
    addVersion: query(
      'addVersion',
      (i) => `ADDVER ${i.package} ${i.version} as ${i.display} ${show([i.skip, i.unskip, i.yank, i.unyank, i.aliases])}`,
      (i) =>
        !world.packages.has(i.package) ? 'NOPKG' : !world.versions.has(`${i.package} ${i.version}`) ? 'NEWVER' : i.skip !== '' ? 'SKIPVER' : 'UPDVER',
    ),
  };
  const actor = createActor(createImportSessionMachine(services), { input: { client: 'c1', ...input }, clock });
  actor.start();
  /** Send an event, let every promise settle, and return the calls it caused. */
  const send = async (event: Parameters<typeof actor.send>[0]) => {
    calls.splice(0);
    actor.send(event);
    await new Promise((resolve) => setImmediate(resolve));
    return calls.splice(0);
  };
  return { actor, clock, send, logs, calls };
}
