/**
 * `createImportSessionMachine(services)`: the import-session machine with every side effect supplied as a
 * plain function. Mr Chase makes one such machine and runs one actor per client identity
 * (`createActor(machine, { input: { client } })`); the services are told which client they act for.
 * Drawing tools use `importSessionMachine` (the placeholders) directly.
 */
import { fromPromise } from 'xstate';
import { importSessionMachine } from './machine.js';
import type { ImportReply, ImportSessionActors, LogEntry, StatsPush } from './types.js';

type Service<K extends keyof ImportSessionActors> = (
  input: ImportSessionActors[K]['input'],
  signal: AbortSignal,
) => Promise<ImportSessionActors[K]['output']>;

/** One async function per invoked actor (see `ImportSessionActors`); a rejection's message is the ERROR text. */
export type ImportSessionQueries = { [K in keyof ImportSessionActors]: Service<K> };

/** What Mr Chase supplies: the actions, and the queries. */
export interface ImportSessionServices extends ImportSessionQueries {
  /** Send `reply` to this client (exactly once per request). */
  reply(client: string, reply: ImportReply): void;
  /** Push to Big Brother's stats queue. */
  pushStats(msg: StatsPush): void;
  /** Tell the Architect to look for new work. */
  refreshBuilds(): void;
  /** Log a line about this client's session. */
  log(client: string, entry: LogEntry): void;
}

function wrap<K extends keyof ImportSessionActors>(queries: ImportSessionQueries, name: K) {
  const service: Service<K> = queries[name];
  return fromPromise<ImportSessionActors[K]['output'], ImportSessionActors[K]['input']>(({ input, signal }) => service(input, signal));
}

export function createImportSessionMachine(services: ImportSessionServices) {
  return importSessionMachine.provide({
    actions: {
      reply: ({ context }, reply) => services.reply(context.client, reply),
      pushStats: (_, msg) => services.pushStats(msg),
      refreshBuilds: () => services.refreshBuilds(),
      log: ({ context }, entry) => services.log(context.client, entry),
    },
    actors: {
      getAbis: wrap(services, 'getAbis'),
      versionExists: wrap(services, 'versionExists'),
      packageExists: wrap(services, 'packageExists'),
      logBuild: wrap(services, 'logBuild'),
      expectFile: wrap(services, 'expectFile'),
      verifyFile: wrap(services, 'verifyFile'),
      requestPages: wrap(services, 'requestPages'),
      skipDeleted: wrap(services, 'skipDeleted'),
      skipPackage: wrap(services, 'skipPackage'),
      skipVersion: wrap(services, 'skipVersion'),
      deletePackage: wrap(services, 'deletePackage'),
      deleteVersion: wrap(services, 'deleteVersion'),
      deleteBuild: wrap(services, 'deleteBuild'),
      projectVersions: wrap(services, 'projectVersions'),
      allPackages: wrap(services, 'allPackages'),
      addPackage: wrap(services, 'addPackage'),
      addVersion: wrap(services, 'addVersion'),
    },
  });
}
