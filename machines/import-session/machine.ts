/**
 * The master's side of one piw-import / piw-remove / piw-rebuild conversation (Mr Chase; protocols/README.md §4.3,
 * behaviours 85–103). Mr Chase runs one per client identity, forwards each decoded request as an event
 * named by its verb, and drops the session when it reaches a final state (behaviour 95).
 *
 *   idle ─IMPORT─▶ importing: validating → checkingAbi → checkingVersion
 *                            → expecting ─(SEND)─▶ awaitingSent ─SENT─▶ verifying ─┬─▶ expecting (next file, or
 *                                                                                  │    the same one re-EXPECTed)
 *                                                                                  └─▶ loggingBuild → rewriting
 *                                                                                       ─(DONE)─▶ finished
 *        ─REMOVE─▶ removing:  exists? → skip? → web DELPKG|DELVER → skip queue → delete ─(DONE)─▶ finished
 *        ─REBUILD─▶ rebuilding: HOME|SEARCH → stats HOME; PROJECT|BOTH → one web request per package
 *        ─ADDPKG / ADDVER─▶ adding: validating → writing (one transaction) ─┬─▶ rewriting ─(DONE action)─▶ finished
 *                                                                           └─(ERROR NOPKG|SKIPPKG|SKIPVER)─▶ finished
 *        ─SENT─▶ finished (ERROR "protocol violation")
 *   Every refusal replies ERROR and ends in `finished`; a tool silent while a file is due ends in `abandoned`.
 *
 * Input, events, actions, actors and output are typed and documented in `types.ts`
 * (`importRequestEvent` turns a decoded request into an event). Delays:
 * `clientTimeout` (default 1 hour): how long a SENT may take before the session is abandoned.
 *
 * Differences from 0.18, on purpose: every IMPORT field is checked before anything is looked up or
 * written (`importProblem`); a file that fails VERIFY is EXPECTed again before it is re-sent (0.18 re-sent
 * without a new EXPECT, so the retry could never succeed; protocols/README.md §6 LATER) and after
 * `maxSendAttempts` failures the import is refused instead of looping forever.
 *
 * The build is logged only once every file has been verified (0.18 logged it before any transfer,
 * behaviour 91), as the slave session does: an import refused or abandoned part-way (a file the File
 * Juggler will not EXPECT, a file that keeps failing VERIFY, a tool that goes away) leaves no build row
 * claiming wheels that never arrived, and LOGBUILD records the build and all its files in one transaction,
 * so the database and the pages written from it see the whole import or none of it. What the File Juggler
 * offers is EXPECT and VERIFY, and VERIFY is its commit: a file verified before a later refusal stays in
 * simple/<pkg>/, listed on no page and in no table (pip cannot find it; importing again replaces it). The
 * session names such files in a warning, as it cannot remove them: the File Juggler owns the wheels.
 */
import { and, assign, not, setup } from 'xstate';
import { actionNotProvided, actorNotProvided } from '../common/not-provided.js';
import { buildRecord, markTransferred, nextUntransferred, prepareFiles } from '../slave-session/files.js';
import { addProblem } from './check-add.js';
import { importProblem } from './check-import.js';
import { canonicalizeName } from '../../protocols/packaging/wheel-filename.js';
import type {
  AddRequest,
  BuildStateWire,
  ImportReply,
  ImportRequest,
  ImportSessionActions,
  ImportSessionActors,
  ImportSessionContext,
  ImportSessionEvent,
  ImportSessionInput,
  ImportSessionOutput,
  LogEntry,
  SkipRequest,
  WebRequest,
} from './types.js';

const NAME = 'importSession';

/** The machine event for a decoded request. */
export function importRequestEvent(msg: ImportRequest): ImportSessionEvent {
  return { type: msg.verb, data: msg.data } as ImportSessionEvent;
}

type Args = { context: ImportSessionContext; event: unknown };
type Text = (args: Args) => string;
type Actor<K extends keyof ImportSessionActors> = ReturnType<
  typeof actorNotProvided<ImportSessionActors[K]['output'], ImportSessionActors[K]['input']>
>;
const actor = <K extends keyof ImportSessionActors>(name: K): Actor<K> =>
  actorNotProvided<ImportSessionActors[K]['output'], ImportSessionActors[K]['input']>(NAME, name);

/** The text of an invoked actor's failure. */
const failure: Text = ({ event }) => {
  const error = (event as { error?: unknown }).error;
  return error instanceof Error ? error.message : String(error);
};

/** Reply ERROR with this text, log it (with `more` said after it, if anything), and end. */
const refuse = (text: Text, more: Text = () => '') =>
  [
    { type: 'reply', params: (args: Args): ImportReply => ({ verb: 'ERROR', data: text(args) }) },
    { type: 'log', params: (args: Args): LogEntry => ({ level: 'error', message: text(args) + more(args) }) },
    { type: 'end', params: (args: Args): ImportSessionOutput => ({ outcome: 'error', message: text(args) }) },
  ] as const;

/** Reply DONE and end. */
const finish = [
  { type: 'reply', params: { verb: 'DONE' } },
  { type: 'end', params: { outcome: 'done' } },
] as const;

const info = (text: Text) => ({ type: 'log', params: (args: Args): LogEntry => ({ level: 'info', message: text(args) }) }) as const;

const build = (context: ImportSessionContext) => context.build!;
const current = (context: ImportSessionContext) => build(context).files![context.fileIndex]!;
const currentName = (context: ImportSessionContext) => current(context).file[0];

/**
 * What an import refused or abandoned part-way leaves behind, for the log: the files it had verified (so
 * the File Juggler committed them to simple/<pkg>/; the armv6l twins it only links are not named), or
 * nothing.
 */
const leftovers: Text = ({ context }) => {
  const sent = new Set(context.request![7].map(([filename]) => filename));
  const files = build(context).files!.filter(({ file, transferred }) => transferred && sent.has(file[0])).map(({ file }) => file[0]);
  if (files.length === 0) return '';
  const them = files.length === 1 ? 'it' : 'them';
  return ` (${files.join(', ')} left in simple/${build(context).package}/, listed on no page: importing the build again replaces ${them})`;
};

/** Refuse an import that may have verified files already (the log names them). */
const refuseImport = (text: Text) => refuse(text, leftovers);

const removal = (context: ImportSessionContext) => {
  const [pkg, version, reason] = context.remove!;
  return { pkg, version, reason };
};
/** The DELPKG / DELVER message a removal sends to the web and skip queues. */
const deletion = (context: ImportSessionContext): WebRequest & SkipRequest => {
  const { pkg, version } = removal(context);
  return version === null ? { verb: 'DELPKG', data: pkg } : { verb: 'DELVER', data: [pkg, version] };
};
/** A piw-add request's fields by name. */
const adding = (context: ImportSessionContext) => {
  const add = context.add!;
  if (add.verb === 'ADDPKG') {
    const [display, description, skip, unskip, aliases] = add.data;
    return { display, package: canonicalizeName(display), description, skip, unskip, aliases };
  }
  const [display, version, skip, unskip, released, yank, unyank, aliases] = add.data;
  return { display, package: canonicalizeName(display), version, skip, unskip, released, yank, unyank, aliases };
};
const addedWhat = (context: ImportSessionContext) => {
  const a = adding(context);
  return 'version' in a ? `${a.package} ${a.version}` : a.package;
};
/** piw-add's refusals, as piwheels 0.19 words them in ERROR. */
const REFUSALS = new Set(['NOPKG', 'SKIPPKG', 'SKIPVER']);

const rebuildPackage = (context: ImportSessionContext) => {
  const [, pkg] = context.rebuild!;
  return pkg ?? null;
};

export const importSessionSetup = setup({
  types: {
    input: {} as ImportSessionInput,
    context: {} as ImportSessionContext,
    events: {} as ImportSessionEvent,
    output: {} as ImportSessionOutput,
  },
  actions: {
    // Provided by Mr Chase.
    reply: actionNotProvided(NAME, 'reply') as (_: unknown, params: ImportSessionActions['reply']) => void,
    pushStats: actionNotProvided(NAME, 'pushStats') as (_: unknown, params: ImportSessionActions['pushStats']) => void,
    refreshBuilds: actionNotProvided(NAME, 'refreshBuilds') as (_: unknown) => void,
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: ImportSessionActions['log']) => void,

    end: assign({ outcome: (_, outcome: ImportSessionOutput) => outcome }),
    /** Behaviour 91: slave id 0, armv6l twins, files in filename order, the first one due. */
    prepareBuild: assign(({ context }) => {
      const [, pkg, version, abi, status, duration, output, files] = context.request!;
      const prepared = prepareFiles(files);
      return {
        request: [0, pkg, version, abi, status, duration, output, files] satisfies BuildStateWire,
        build: { package: pkg, version, status, duration, output, files: prepared },
        abi,
        fileIndex: nextUntransferred(prepared),
        sendAttempts: 0,
      };
    }),
    /** The current file is verified; the next untransferred one is due. */
    nextFile: assign(({ context }) => {
      const files = markTransferred(build(context).files!, context.fileIndex);
      return { build: { ...build(context), files }, fileIndex: nextUntransferred(files), sendAttempts: 0 };
    }),
    countAttempt: assign({ sendAttempts: ({ context }) => context.sendAttempts + 1 }),
    setPending: assign((_, pending: string[]) => ({ pending, cursor: 0 })),
    advance: assign({ cursor: ({ context }) => context.cursor + 1 }),
  },
  actors: {
    getAbis: actor('getAbis'),
    versionExists: actor('versionExists'),
    packageExists: actor('packageExists'),
    logBuild: actor('logBuild'),
    expectFile: actor('expectFile'),
    verifyFile: actor('verifyFile'),
    requestPages: actor('requestPages'),
    skipDeleted: actor('skipDeleted'),
    skipPackage: actor('skipPackage'),
    skipVersion: actor('skipVersion'),
    deletePackage: actor('deletePackage'),
    deleteVersion: actor('deleteVersion'),
    deleteBuild: actor('deleteBuild'),
    projectVersions: actor('projectVersions'),
    allPackages: actor('allPackages'),
    addPackage: actor('addPackage'),
    addVersion: actor('addVersion'),
  },
  guards: {
    importInvalid: ({ context }) => importProblem(context.request!) !== undefined,
    abiUnknown: ({ context }, abis: ReadonlySet<string>) => !abis.has(context.request![3]),
    no: (_, answer: boolean) => !answer,
    verifiedWithMoreToSend: ({ context }, ok: boolean) =>
      ok && nextUntransferred(markTransferred(build(context).files!, context.fileIndex)) >= 0,
    verified: (_, ok: boolean) => ok,
    mayResend: ({ context }) => context.sendAttempts + 1 < context.maxSendAttempts,
    wholePackage: ({ context }) => removal(context).version === null,
    withReason: ({ context }) => removal(context).reason !== '',
    homeOrSearch: ({ context }) => context.rebuild![0] === 'HOME' || context.rebuild![0] === 'SEARCH',
    everyPackage: ({ context }) => rebuildPackage(context) === null,
    nonePending: ({ context }) => context.cursor >= context.pending.length,
    addInvalid: ({ context }) => addProblem(adding(context)) !== undefined,
    addsPackage: ({ context }) => context.add!.verb === 'ADDPKG',
    refused: (_, outcome: string) => REFUSALS.has(outcome),
  },
  delays: {
    clientTimeout: 3_600_000,
  },
});

export const importSessionMachine = importSessionSetup.createMachine({
  id: NAME,
  description:
    "The master's side of one piw-import, piw-remove, piw-rebuild or piw-add conversation, one per client, run by Mr Chase. It owns the checks made before anything is written (every IMPORT field, the ABI, the version), the EXPECT, SEND, SENT and VERIFY round for each file, logging the build once every file is verified, and the removals, rebuilds and additions with their page rewrites. Every refusal replies ERROR and ends the session; a tool silent while a file is due is abandoned.",
  context: ({ input }) => ({
    client: input.client,
    maxSendAttempts: input.maxSendAttempts ?? 3,
    request: null,
    build: null,
    abi: '',
    fileIndex: -1,
    sendAttempts: 0,
    remove: null,
    rebuild: null,
    add: null,
    action: '',
    pending: [],
    cursor: 0,
    outcome: null,
  }),
  // A REQ client cannot send while its last request is unanswered; a broken one is logged, not answered.
  on: {
    IMPORT: { actions: { type: 'log', params: { level: 'warning', message: 'ignored IMPORT: a request is still being handled' } } },
    REMOVE: { actions: { type: 'log', params: { level: 'warning', message: 'ignored REMOVE: a request is still being handled' } } },
    REBUILD: { actions: { type: 'log', params: { level: 'warning', message: 'ignored REBUILD: a request is still being handled' } } },
    ADDPKG: { actions: { type: 'log', params: { level: 'warning', message: 'ignored ADDPKG: a request is still being handled' } } },
    ADDVER: { actions: { type: 'log', params: { level: 'warning', message: 'ignored ADDVER: a request is still being handled' } } },
    SENT: { actions: { type: 'log', params: { level: 'warning', message: 'ignored SENT: a request is still being handled' } } },
  },
  initial: 'idle',
  states: {
    idle: {
      on: {
        IMPORT: { target: 'importing', actions: assign({ request: ({ event }) => event.data }) },
        REMOVE: { target: 'removing', actions: assign({ remove: ({ event }) => event.data }) },
        REBUILD: { target: 'rebuilding', actions: assign({ rebuild: ({ event }) => event.data }) },
        ADDPKG: { target: 'adding', actions: assign({ add: ({ event }): AddRequest => ({ verb: 'ADDPKG', data: event.data }) }) },
        ADDVER: { target: 'adding', actions: assign({ add: ({ event }): AddRequest => ({ verb: 'ADDVER', data: event.data }) }) },
        // behaviour 86
        SENT: { target: 'finished', actions: refuse(() => 'protocol violation') },
      },
    },

    importing: {
      initial: 'validating',
      states: {
        // behaviours 87, 88 and the field checks, before any lookup
        validating: {
          always: [
            { guard: 'importInvalid', target: `#${NAME}.finished`, actions: refuse(({ context }) => importProblem(context.request!)!) },
            { target: 'checkingAbi' },
          ],
        },
        // behaviour 89
        checkingAbi: {
          invoke: {
            id: 'getAbis',
            src: 'getAbis',
            onDone: [
              {
                guard: { type: 'abiUnknown', params: ({ event }) => event.output },
                target: `#${NAME}.finished`,
                actions: refuse(({ context }) => `invalid ABI: ${context.request![3]}`),
              },
              { target: 'checkingVersion' },
            ],
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        // behaviour 90
        checkingVersion: {
          invoke: {
            id: 'versionExists',
            src: 'versionExists',
            input: ({ context }) => ({ package: context.request![1], version: context.request![2] }),
            onDone: [
              {
                guard: { type: 'no', params: ({ event }) => event.output },
                target: `#${NAME}.finished`,
                actions: refuse(({ context }) => `unknown package version ${context.request![1]}-${context.request![2]}`),
              },
              { target: 'expecting', actions: 'prepareBuild' },
            ],
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        expecting: {
          invoke: {
            id: 'expectFile',
            src: 'expectFile',
            input: ({ context }) => ({ slaveId: 0, file: current(context).file }),
            onDone: {
              target: 'awaitingSent',
              actions: [
                { type: 'reply', params: ({ context }) => ({ verb: 'SEND', data: currentName(context) }) },
                info(({ context }) => `send ${currentName(context)}`),
              ],
            },
            onError: { target: `#${NAME}.finished`, actions: refuseImport(failure) },
          },
        },
        awaitingSent: {
          after: {
            clientTimeout: {
              target: `#${NAME}.abandoned`,
              actions: [
                {
                  type: 'log',
                  params: ({ context, event }) => ({
                    level: 'warning',
                    message: `import abandoned: no SENT for ${currentName(context)}${leftovers({ context, event })}`,
                  }),
                },
                { type: 'end', params: { outcome: 'abandoned' } },
              ],
            },
          },
          on: {
            SENT: 'verifying',
            IMPORT: { target: `#${NAME}.finished`, actions: refuseImport(() => 'protocol violation') },
            REMOVE: { target: `#${NAME}.finished`, actions: refuseImport(() => 'protocol violation') },
            REBUILD: { target: `#${NAME}.finished`, actions: refuseImport(() => 'protocol violation') },
          },
        },
        // behaviours 93, 94; the last file verified, the build is logged
        verifying: {
          invoke: {
            id: 'verifyFile',
            src: 'verifyFile',
            input: ({ context }) => ({ slaveId: 0, package: build(context).package }),
            onDone: [
              {
                guard: { type: 'verifiedWithMoreToSend', params: ({ event }) => event.output },
                target: 'expecting',
                actions: [info(({ context }) => `verified transfer of ${currentName(context)}`), 'nextFile'],
              },
              {
                guard: { type: 'verified', params: ({ event }) => event.output },
                target: 'loggingBuild',
                actions: [info(({ context }) => `verified transfer of ${currentName(context)}`), 'nextFile'],
              },
              {
                guard: 'mayResend',
                target: 'expecting',
                actions: [info(({ context }) => `re-send ${currentName(context)}`), 'countAttempt'],
              },
              {
                target: `#${NAME}.finished`,
                actions: refuseImport(({ context }) => `transfer of ${currentName(context)} failed to verify ${context.maxSendAttempts} times`),
              },
            ],
            onError: { target: `#${NAME}.finished`, actions: refuseImport(failure) },
          },
        },
        // behaviour 92: a refusal is the Oracle's own text; then no build row claims the verified files
        loggingBuild: {
          invoke: {
            id: 'logBuild',
            src: 'logBuild',
            input: ({ context }) => buildRecord(0, context.abi, build(context)),
            onDone: {
              target: 'rewriting',
              actions: info(({ context }) => `registered build for ${build(context).package} ${build(context).version}`),
            },
            onError: { target: `#${NAME}.finished`, actions: refuseImport(failure) },
          },
        },
        rewriting: {
          invoke: {
            id: 'requestPages',
            src: 'requestPages',
            input: ({ context }) => ({ verb: 'BOTH', data: build(context).package }),
            onDone: { target: `#${NAME}.finished`, actions: finish },
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
      },
    },

    removing: {
      initial: 'routing',
      states: {
        routing: {
          always: [{ guard: 'wholePackage', target: 'checkingPackage' }, { target: 'checkingVersion' }],
        },
        // behaviour 100
        checkingPackage: {
          invoke: {
            id: 'packageExists',
            src: 'packageExists',
            input: ({ context }) => ({ package: removal(context).pkg }),
            onDone: [
              {
                guard: { type: 'no', params: ({ event }) => event.output },
                target: `#${NAME}.finished`,
                actions: refuse(({ context }) => `unknown package ${removal(context).pkg}`),
              },
              { guard: 'withReason', target: 'skippingPackage' },
              { target: 'notifyingWeb' },
            ],
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        checkingVersion: {
          invoke: {
            id: 'versionExists',
            src: 'versionExists',
            input: ({ context }) => ({ package: removal(context).pkg, version: removal(context).version! }),
            onDone: [
              {
                guard: { type: 'no', params: ({ event }) => event.output },
                target: `#${NAME}.finished`,
                actions: refuse(({ context }) => `unknown package version ${removal(context).pkg}-${removal(context).version}`),
              },
              { guard: 'withReason', target: 'skippingVersion' },
              { target: 'notifyingWeb' },
            ],
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        // behaviours 97, 99: the skip is recorded first
        skippingPackage: {
          invoke: {
            id: 'skipPackage',
            src: 'skipPackage',
            input: ({ context }) => ({ package: removal(context).pkg, reason: removal(context).reason }),
            onDone: 'notifyingWeb',
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        skippingVersion: {
          invoke: {
            id: 'skipVersion',
            src: 'skipVersion',
            input: ({ context }) => ({ package: removal(context).pkg, version: removal(context).version!, reason: removal(context).reason }),
            onDone: 'notifyingWeb',
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        notifyingWeb: {
          invoke: {
            id: 'requestPages',
            src: 'requestPages',
            input: ({ context }) => deletion(context),
            onDone: 'notifyingSlaveDriver',
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        notifyingSlaveDriver: {
          invoke: {
            id: 'skipDeleted',
            src: 'skipDeleted',
            input: ({ context }) => deletion(context),
            onDone: 'purging',
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        purging: {
          always: [
            // behaviour 96: the package row goes, and with it everything it had
            { guard: and(['wholePackage', not('withReason')]), target: 'deletingPackage' },
            // behaviour 97: a skipped package keeps its versions; builds that succeeded go, failed ones stay
            { guard: 'wholePackage', target: 'listingVersions' },
            // behaviour 99: a skipped version keeps its row; its builds go
            { guard: 'withReason', target: 'deletingBuilds', actions: { type: 'setPending', params: ({ context }) => [removal(context).version!] } },
            // behaviour 98
            { target: 'deletingVersion' },
          ],
        },
        deletingPackage: {
          invoke: {
            id: 'deletePackage',
            src: 'deletePackage',
            input: ({ context }) => ({ package: removal(context).pkg }),
            onDone: { target: `#${NAME}.finished`, actions: finish },
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        listingVersions: {
          invoke: {
            id: 'projectVersions',
            src: 'projectVersions',
            input: ({ context }) => ({ package: removal(context).pkg }),
            onDone: {
              target: 'deletingBuilds',
              actions: {
                type: 'setPending',
                // [version, skipped, builds_succeeded, builds_failed, yanked]: failed builds stay
                params: ({ event }) => event.output.filter(([, , succeeded]) => succeeded !== '').map(([version]) => version),
              },
            },
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        deletingVersion: {
          invoke: {
            id: 'deleteVersion',
            src: 'deleteVersion',
            input: ({ context }) => ({ package: removal(context).pkg, version: removal(context).version! }),
            onDone: { target: `#${NAME}.finished`, actions: finish },
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        deletingBuilds: {
          always: [{ guard: 'nonePending', target: `#${NAME}.finished`, actions: finish }, { target: 'deletingBuild' }],
        },
        deletingBuild: {
          invoke: {
            id: 'deleteBuild',
            src: 'deleteBuild',
            input: ({ context }) => ({ package: removal(context).pkg, version: context.pending[context.cursor]! }),
            onDone: { target: 'deletingBuilds', actions: 'advance' },
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
      },
    },

    rebuilding: {
      initial: 'routing',
      states: {
        routing: {
          always: [
            // behaviour 101: HOME and SEARCH both ask Big Brother for HOME
            { guard: 'homeOrSearch', target: `#${NAME}.finished`, actions: [{ type: 'pushStats', params: { verb: 'HOME' } }, ...finish] },
            // behaviour 103
            { guard: 'everyPackage', target: 'listingPackages' },
            // behaviour 102
            { target: 'checkingPackage' },
          ],
        },
        checkingPackage: {
          invoke: {
            id: 'packageExists',
            src: 'packageExists',
            input: ({ context }) => ({ package: rebuildPackage(context)! }),
            onDone: [
              {
                guard: { type: 'no', params: ({ event }) => event.output },
                target: `#${NAME}.finished`,
                actions: refuse(({ context }) => `unknown package ${rebuildPackage(context)}`),
              },
              { target: 'requestingPages', actions: { type: 'setPending', params: ({ context }) => [rebuildPackage(context)!] } },
            ],
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        listingPackages: {
          invoke: {
            id: 'allPackages',
            src: 'allPackages',
            onDone: { target: 'requestingPages', actions: { type: 'setPending', params: ({ event }) => [...event.output].sort() } },
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        requestingPages: {
          always: [{ guard: 'nonePending', target: `#${NAME}.finished`, actions: finish }, { target: 'requestingPage' }],
        },
        requestingPage: {
          invoke: {
            id: 'requestPages',
            src: 'requestPages',
            // REBUILD: the Secretary has the pages written at once, not after its buffer's delay
            input: ({ context }) => ({ verb: 'REBUILD' as const, data: [context.rebuild![0] as 'PROJECT' | 'BOTH', context.pending[context.cursor]!] as ['PROJECT' | 'BOTH', string] }),
            onDone: { target: 'requestingPages', actions: 'advance' },
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
      },
    },

    // piw-add (piwheels 0.19's ADDPKG / ADDVER): checked, written in one transaction, pages rewritten.
    adding: {
      initial: 'validating',
      states: {
        validating: {
          always: [
            { guard: 'addInvalid', target: `#${NAME}.finished`, actions: refuse(({ context }) => addProblem(adding(context))!) },
            { guard: 'addsPackage', target: 'writingPackage' },
            { target: 'writingVersion' },
          ],
        },
        writingPackage: {
          invoke: {
            id: 'addPackage',
            src: 'addPackage',
            input: ({ context }) => {
              const { display, package: pkg, description, skip, unskip, aliases } = adding(context) as Extract<ReturnType<typeof adding>, { description: string }>;
              return { display, package: pkg, description, skip, unskip, aliases };
            },
            onDone: [
              { guard: { type: 'refused', params: ({ event }) => event.output }, target: `#${NAME}.finished`, actions: refuse(({ event }) => (event as { output: string }).output) },
              { target: 'rewriting', actions: assign({ action: ({ event }) => event.output }) },
            ],
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        writingVersion: {
          invoke: {
            id: 'addVersion',
            src: 'addVersion',
            input: ({ context }) => {
              const { display, package: pkg, version, skip, unskip, released, yank, unyank, aliases } = adding(context) as Extract<
                ReturnType<typeof adding>,
                { version: string }
              >;
              return { display, package: pkg, version, skip, unskip, released, yank, unyank, aliases };
            },
            onDone: [
              { guard: { type: 'refused', params: ({ event }) => event.output }, target: `#${NAME}.finished`, actions: refuse(({ event }) => (event as { output: string }).output) },
              { target: 'rewriting', actions: assign({ action: ({ event }) => event.output }) },
            ],
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
        // The database has changed: pages follow, and the Architect looks for new work at once.
        rewriting: {
          entry: ['refreshBuilds', info(({ context }) => `${context.action}: ${addedWhat(context)}`)],
          invoke: {
            id: 'requestPages',
            src: 'requestPages',
            input: ({ context }) => ({ verb: 'BOTH', data: adding(context).package }),
            onDone: {
              target: `#${NAME}.finished`,
              actions: [
                { type: 'reply', params: ({ context }): ImportReply => ({ verb: 'DONE', data: context.action }) },
                { type: 'end', params: { outcome: 'done' } },
              ],
            },
            onError: { target: `#${NAME}.finished`, actions: refuse(failure) },
          },
        },
      },
    },

    /** DONE or ERROR has been sent. */
    finished: { type: 'final' },
    /** The tool went quiet mid-import. */
    abandoned: { type: 'final' },
  },
  output: ({ context }) => context.outcome!,
});
