/**
 * One valid and at least one invalid message for every verb of every protocol in protocols/, as our own
 * code would pass them (plain numbers in float fields). The invalid ones follow Python's isinstance rules
 * (protocols/README.md §1.3): a float in an int field, a number in a timedelta slot, a string in a datetime slot,
 * a list where a map belongs, a wrong length for an ExactSequence.
 */
import {
  bigBrotherControlProtocol,
  buildsQueueProtocol,
  fileJugglerFsProtocol,
  Float64,
  lumberjackProtocol,
  masterControlProtocol,
  monitorStatsProtocol,
  mrChaseProtocol,
  NO_DATA,
  oracleProtocol,
  PreciseDate,
  senseStickProtocol,
  skipProtocol,
  slaveDriverControlProtocol,
  slaveDriverProtocol,
  statsProtocol,
  taskControlProtocol,
  theScribeProtocol,
  theSecretaryProtocol,
  TimeDelta,
  type OracleVerb,
  type Protocol,
  type VerbMap,
} from '../../protocols/index.js';

/** The valid form of a verb that carries no data. */
export const NONE = Symbol('no data');

export interface Samples {
  valid: unknown;
  invalid: unknown[];
}

export const TS = new Date('2020-09-15T12:00:00Z');
export const TS_US = new PreciseDate(Date.parse('2020-09-15T12:00:01.123Z'), 456);

export const slaveHello = [
  new TimeDelta(0, 3 * 3600), new TimeDelta(0, 300), '311', 'cp311', 'linux_armv7l', 'pi4-1',
  'Raspbian GNU/Linux', '11 (bullseye)', 'c03112', '100000001234abcd',
];
// disk sizes above 2^32; a whole load average (1) that must still go out as a float
export const slaveStats = [TS_US, 31268966400, 20120256512, 3978182656, 3311009792, 104853504, 0, 1, 48.3];
export const fileState = [
  'foo-0.1-cp311-cp311-linux_armv7l.whl', 123456, 'ab'.repeat(32), 'foo', '0.1', 'cp311', 'cp311', 'linux_armv7l',
  { apt: ['libc6', 'libssl3'], '': ['/usr/local/lib/libbar.so'] },
];
export const fileState2 = ['foo-0.1-py3-none-any.whl', 1024, 'cd'.repeat(32), 'foo', '0.1', 'py3', 'none', 'any', {}];
export const built = [true, new TimeDelta(0, 75, 500000), 'Collecting foo==0.1\n', [fileState, fileState2]];
export const buildState = [1, 'foo', '0.1', 'cp311', true, new TimeDelta(0, 75, 500000), 'output', [fileState, fileState2]];
export const masterHello = [TS, 'piwheels-master', 'Raspbian GNU/Linux', '10 (buster)', 'c03111', '1000abcd'];
export const masterStats = [
  TS, 10, { cp311: 2, cp39: 0 }, new TimeDelta(1, 2, 3), 5_000_000_000, { cp311: 4 }, 1, 2, 3, 4, 5,
  6_000_000_000_000, 7, 8, 9, 10, 11, 0.5, 60,
];
export const download = [
  'foo-0.1-py3-none-any.whl', '192.0.2.1', TS_US, 'armv7l', 'Raspbian GNU/Linux', '11', 'Linux', '5.10', 'CPython',
  '3.11.2', 'pip', '23.0.1', null,
];
export const search = ['foo', ...download.slice(1)];
export const hit = ['foo', '192.0.2.1', TS, 'Mozilla/5.0'];

const replace = (list: readonly unknown[], index: number, value: unknown) => list.map((x, i) => (i === index ? value : x));
const noData: Samples = { valid: NONE, invalid: [null, 0, 'x'] };

const slaveStatsInvalid = [
  replace(slaveStats, 1, 1.5), // float in an int field
  replace(slaveStats, 1, new Float64(31268966400)), // 60.0 is not an int, even when whole
  replace(slaveStats, 7, '1'),
  replace(slaveStats, 0, '2020-09-15T12:00:00Z'), // a string in a datetime slot
  slaveStats.slice(0, 8),
  [...slaveStats, 0],
];

export interface ProtocolSamples {
  protocol: Protocol<VerbMap, VerbMap>;
  recv: Record<string, Samples>;
  send: Record<string, Samples>;
}

const taskControl = { PAUSE: noData, RESUME: noData, QUIT: noData };
const slaveId = (): Samples => ({ valid: 3, invalid: ['3', 1.5, [3]] });
const masterControl = {
  HELLO: noData,
  KILL: { valid: null, invalid: ['all', 1.5] },
  SLEEP: slaveId(),
  SKIP: slaveId(),
  WAKE: { valid: null, invalid: [true, {}] },
  QUIT: noData,
};

const pkgVer = (): Samples => ({ valid: ['foo', '0.1'], invalid: [['foo'], ['foo', 1], 'foo'] });
const pkg = (): Samples => ({ valid: 'foo', invalid: [5, null, ['foo']] });

export const oracleRequestSamples: Record<OracleVerb, Samples> = {
  ALLPKGS: noData,
  ALLVERS: noData,
  NEWPKG: { valid: ['foo', '', 'A foo'], invalid: [['foo', ''], ['foo', null, '']] },
  NEWVER: { valid: ['foo', '0.1', TS, ''], invalid: [['foo', '0.1', '2020-09-15', ''], ['foo', '0.1', TS]] },
  NEWPKGNAME: { valid: ['foo', 'Foo', TS], invalid: [['foo', 'Foo', null]] },
  GETPKGNAMES: pkg(),
  GETPROJNAME: pkg(),
  SETDESC: { valid: ['foo', 'A foo'], invalid: [['foo', null]] },
  GETDESC: pkg(),
  SKIPPKG: { valid: ['foo', 'too big'], invalid: [['foo']] },
  SKIPVER: { valid: ['foo', '0.1', 'broken'], invalid: [['foo', '0.1', null]] },
  DELPKG: pkg(),
  DELVER: pkgVer(),
  YANKVER: { valid: ['foo', '0.1', 'broken on Python 3.12'], invalid: [['foo'], ['foo', '0.1', null], 'foo'] },
  UNYANKVER: pkgVer(),
  LOGDOWNLOAD: { valid: download, invalid: [download.slice(0, 12), replace(download, 2, 1600171200)] },
  LOGSEARCH: { valid: search, invalid: [replace(search, 3, 5)] },
  LOGPROJECT: { valid: hit, invalid: [hit.slice(0, 3)] },
  LOGJSON: { valid: hit, invalid: [replace(hit, 3, null)] },
  LOGPAGE: { valid: hit, invalid: [replace(hit, 1, 7)] },
  LOGBUILD: { valid: buildState, invalid: [replace(buildState, 5, 75.5), replace(buildState, 0, '1')] },
  DELBUILD: pkgVer(),
  PKGFILES: pkg(),
  PROJVERS: pkg(),
  PROJFILES: pkg(),
  VERFILES: pkgVer(),
  GETSKIP: pkgVer(),
  PKGEXISTS: pkg(),
  PKGDELETED: pkg(),
  VEREXISTS: pkgVer(),
  VERSDELETED: pkg(),
  GETABIS: noData,
  GETPYPI: noData,
  SETPYPI: { valid: 12345678, invalid: ['12345678', 1.5, null] },
  GETSTATS: noData,
  GETSEARCH: noData,
  FILEDEPS: pkg(),
  SAVERWP: { valid: [['foo', TS, 'PROJECT'], ['bar', TS_US, 'BOTH']], invalid: [[['foo', TS, 'DELETE']], [['foo', 'now', 'BOTH']], 'foo'] },
  LOADRWP: noData,
  ADDPKG: {
    valid: ['foo-bar', 'Foo_Bar', 'A package', '', true, ['foo.bar'], TS],
    invalid: [['foo-bar', 'Foo_Bar', null, '', true, [], TS], ['foo-bar', 'Foo_Bar', '', '', 'yes', [], TS], ['foo-bar', 'Foo_Bar', '', '', true, [], TS, 1]],
  },
  ADDVER: {
    valid: ['foo', 'Foo', '1.0', 'broken', false, TS, true, false, [], TS],
    invalid: [['foo', 'Foo', '1.0', '', false, '2020-09-15', false, false, [], TS], ['foo', 'Foo', '1.0', '', false, TS, false, false, 'foo', TS]],
  },
  PROJDATA: pkg(),
  SETFILEMETA: { valid: ['foo-0.1-py3-none-any.whl', '>=3.9', 'ab'.repeat(32)], invalid: [['foo-0.1-py3-none-any.whl', '>=3.9', null], ['foo.whl', 3, 'ab']] },
  BUILDLOG: { valid: 42, invalid: ['42', null, 1.5] },
  PROJPAGES: { valid: ['foo', 'bar'], invalid: ['foo', [1], null] },
  BUILDLOGS: { valid: [42, 43], invalid: [42, ['42'], [1.5]] },
};

/** What `OK` carries for each Oracle verb (protocols/README.md §4.4). */
export const oracleResultSamples: Record<OracleVerb, Samples> = {
  ALLPKGS: { valid: new Set(['foo', 'bar']), invalid: [['foo']] },
  ALLVERS: { valid: new Set([['foo', '0.1']]), invalid: [new Set(['foo'])] },
  NEWPKG: { valid: true, invalid: ['true'] },
  NEWVER: { valid: false, invalid: [0] },
  NEWPKGNAME: { valid: null, invalid: [true] },
  GETPKGNAMES: { valid: ['Foo', 'FOO'], invalid: ['Foo', new Set(['Foo'])] },
  GETPROJNAME: { valid: 'Foo', invalid: [1] },
  SETDESC: { valid: null, invalid: [''] },
  GETDESC: { valid: null, invalid: [5] },
  SKIPPKG: { valid: null, invalid: [0] },
  SKIPVER: { valid: null, invalid: [0] },
  DELPKG: { valid: null, invalid: [0] },
  DELVER: { valid: null, invalid: [0] },
  YANKVER: { valid: null, invalid: [0] },
  UNYANKVER: { valid: null, invalid: [0] },
  LOGDOWNLOAD: { valid: null, invalid: [0] },
  LOGSEARCH: { valid: null, invalid: [0] },
  LOGPROJECT: { valid: null, invalid: [0] },
  LOGJSON: { valid: null, invalid: [0] },
  LOGPAGE: { valid: null, invalid: [0] },
  LOGBUILD: { valid: 42, invalid: ['42', null] },
  DELBUILD: { valid: null, invalid: [0] },
  PKGFILES: { valid: { 'foo-0.1-py3-none-any.whl': 'ab'.repeat(32) }, invalid: [{ 'foo.whl': 1 }, [['foo.whl', 'ab']]] },
  PROJVERS: { valid: [['0.1', '', '1', '0', false]], invalid: [[['0.1', '', 1, 0, false]]] },
  PROJFILES: {
    valid: [['0.1', 'cp311', 'foo-0.1-cp311-cp311-linux_armv7l.whl', 123456, 'ab'.repeat(32), false]],
    invalid: [[['0.1', 'cp311', 'foo.whl', '123456', 'ab', false]]],
  },
  VERFILES: { valid: new Set(['foo-0.1-py3-none-any.whl']), invalid: [['foo-0.1-py3-none-any.whl']] },
  GETSKIP: { valid: '', invalid: [0] },
  PKGEXISTS: { valid: true, invalid: [null] },
  PKGDELETED: { valid: false, invalid: [null] },
  VEREXISTS: { valid: true, invalid: ['yes'] },
  VERSDELETED: { valid: new Set(['0.1']), invalid: [['0.1']] },
  GETABIS: { valid: new Set(['cp311', 'cp39']), invalid: [['cp311']] },
  GETPYPI: { valid: 12345678, invalid: ['12345678'] },
  SETPYPI: { valid: null, invalid: [0] },
  GETSTATS: {
    valid: {
      builds_time: new TimeDelta(3, 4, 5), builds_size: 5_000_000_000, packages_built: 10, files_count: 20,
      new_last_hour: 1, downloads_all: 100, downloads_last_month: 50, downloads_last_hour: 2,
      builds_last_hour: { cp311: 1, cp39: 0 },
    },
    invalid: [{ builds_time: 5, builds_size: 1 }],
  },
  GETSEARCH: { valid: { foo: [10, 100] }, invalid: [{ foo: [10] }, [['foo', [10, 100]]]] },
  FILEDEPS: { valid: new Set(['libc6']), invalid: [['libc6']] },
  SAVERWP: { valid: null, invalid: [0] },
  LOADRWP: { valid: [['foo', TS, 'BOTH']], invalid: [[['foo', '2020-09-15T12:00:00Z', 'BOTH']]] },
  ADDPKG: { valid: 'NEWPKG', invalid: ['NEWVER', true, null] },
  ADDVER: { valid: 'NOPKG', invalid: ['UPDPKG', false] },
  PROJDATA: {
    valid: [
      [['0.1', TS, '', true, 'broken', [[1, 'cp311', true], [2, 'cp39', false]]]],
      [['0.1', 'foo-0.1-py3-none-any.whl', 1234, 'ab'.repeat(32), 'cp311', 'none', 'any', '>=3.9', 'cd'.repeat(32), TS, ['libxml2'], []]],
    ],
    invalid: [[[['0.1', TS, '', true, null, []]], []], [[], [['0.1', 'foo.whl', 1, 'ab', 'cp311', 'none', 'any', null, null, 'now', [], []]]]],
  },
  SETFILEMETA: { valid: null, invalid: [0] },
  BUILDLOG: { valid: 'Collecting foo\n', invalid: [5] },
  PROJPAGES: {
    valid: { foo: [[[], []], 'A package', 'Foo', ['FOO']] },
    invalid: [{ foo: [[[], []], 'A package', 'Foo'] }, { foo: [[[], []], 1, null, []] }],
  },
  BUILDLOGS: { valid: { 42: 'Collecting foo\n' }, invalid: [{ 42: null }, ['Collecting foo\n']] },
};

export const protocolSamples: Record<string, ProtocolSamples> = {
  slave_driver: {
    protocol: slaveDriverProtocol as never,
    recv: {
      HELLO: {
        valid: slaveHello,
        invalid: [replace(slaveHello, 0, 10800), replace(slaveHello, 2, 311), slaveHello.slice(0, 9)], // a number in a timedelta slot
      },
      BYE: noData,
      IDLE: { valid: slaveStats, invalid: slaveStatsInvalid },
      BUSY: { valid: replace(slaveStats, 7, 0.25), invalid: slaveStatsInvalid },
      BUILT: {
        valid: built,
        invalid: [
          replace(built, 0, 1), // an int is not a bool
          replace(built, 1, 75),
          replace(built, 3, [replace(fileState, 8, { apt: 'libc6' })]),
          replace(built, 3, [replace(fileState, 8, [['apt', ['libc6']]])]),
          replace(built, 3, [fileState.slice(0, 8)]),
          replace(built, 3, fileState),
        ],
      },
      SENT: noData,
    },
    send: {
      ACK: { valid: [1, 'https://pypi.org/simple'], invalid: [['1', 'https://pypi.org/simple'], [1.5, 'x'], [1]] },
      SLEEP: { valid: false, invalid: ['false', 0, null] },
      BUILD: { valid: ['foo', '0.1'], invalid: [['foo'], ['foo', 0.1], 'foo==0.1'] },
      CONT: noData,
      SEND: { valid: fileState[0], invalid: [5, null, [fileState[0]]] },
      DONE: noData,
      DIE: noData,
    },
  },
  file_juggler_fs: {
    protocol: fileJugglerFsProtocol as never,
    recv: {
      EXPECT: { valid: [1, fileState], invalid: [[1, fileState.slice(0, 8)], ['1', fileState], [1, replace(fileState, 1, '123456')]] },
      VERIFY: { valid: [0, 'foo'], invalid: [[0], [0, 'foo', 'bar'], ['0', 'foo']] },
    },
    send: {
      OK: { valid: null, invalid: [] }, // Extra: anything goes
      ERROR: { valid: 'size mismatch', invalid: [5, null] },
    },
  },
  mr_chase: {
    protocol: mrChaseProtocol as never,
    recv: {
      IMPORT: { valid: replace(buildState, 0, 0), invalid: [replace(buildState, 4, 'yes'), buildState.slice(1)] },
      REMOVE: { valid: ['foo', null, ''], invalid: [['foo', 1, ''], ['foo', null], ['foo', '0.1', null]] },
      REBUILD: {
        valid: ['PROJECT', 'foo'],
        invalid: [['PROJECT'], ['HOME', 'foo'], ['FOO'], 'HOME', ['project', 'foo'], ['BOTH', 5], []],
      },
      ADDPKG: {
        valid: ['Foo_Bar', 'A package', '', false, ['foo.bar']],
        invalid: [['Foo_Bar', null, '', false, []], ['Foo_Bar', '', '', 0, []], ['Foo_Bar', '', '', false, ['x'], 'extra'], ['Foo_Bar', '', '', false, 'foo']],
      },
      ADDVER: {
        valid: ['foo', '1.0', '', false, TS, true, false, []],
        invalid: [['foo', '1.0', '', false, '2020-09-15 12:00:00', false, false, []], ['foo', '1.0', '', false, TS, false, false], ['foo', null, '', false, TS, false, false, []]],
      },
      SENT: noData,
    },
    send: {
      SEND: { valid: fileState[0], invalid: [5] },
      ERROR: { valid: 'invalid ABI: cp27mu', invalid: [null] },
      // bare to 0.18's tools (see the maybe-data tests), the action to piw-add
      DONE: { valid: 'NEWPKG', invalid: [5, null, ['NEWPKG']] },
    },
  },
  the_oracle: {
    protocol: oracleProtocol as never,
    recv: oracleRequestSamples,
    send: {
      OK: { valid: new Set(['foo']), invalid: [] }, // Extra: the result's shape is checked by oracleResults
      ERROR: { valid: "''", invalid: [5, null] },
    },
  },
  the_scribe: {
    protocol: theScribeProtocol as never,
    recv: {
      PROJECT: pkg(),
      BOTH: pkg(),
      DELVER: pkgVer(),
      DELPKG: pkg(),
      HOME: { valid: masterStats, invalid: [replace(masterStats, 2, [['cp311', 2]]), replace(masterStats, 17, '0.5'), masterStats.slice(1)] },
      SEARCH: { valid: { foo: [10, 100], bar: [0, 1] }, invalid: [{ foo: [10] }, [['foo', [10, 100]]], { foo: [1.5, 2] }] },
    },
    send: { DONE: noData },
  },
  the_secretary: {
    protocol: theSecretaryProtocol as never,
    recv: {
      PROJECT: pkg(),
      BOTH: pkg(),
      DELVER: pkgVer(),
      DELPKG: pkg(),
      HOME: { valid: masterStats, invalid: [masterStats.slice(1)] },
      SEARCH: { valid: { foo: [10, 100] }, invalid: [{ foo: [10] }] },
      REBUILD: { valid: ['BOTH', 'foo'], invalid: [['HOME', 'foo'], ['BOTH', null], ['PROJECT']] },
    },
    send: { DONE: noData },
  },
  cloud_gazer: {
    protocol: skipProtocol as never,
    recv: { DELVER: pkgVer(), DELPKG: pkg() },
    send: { OK: noData },
  },
  the_architect: {
    protocol: buildsQueueProtocol as never,
    recv: {
      QUEUE: {
        valid: { cp311: [['foo', '0.1'], ['bar', '2.0']], cp39: [] },
        invalid: [{ cp311: [['foo']] }, { cp311: ['foo', '0.1'] }, [['cp311', []]]],
      },
    },
    send: {},
  },
  big_brother: {
    protocol: statsProtocol as never,
    recv: {
      STATFS: { valid: [6_000_000_000_000, 5_000_000_000_000], invalid: [[1], [1, 2.5], '1 2'] },
      STATBQ: { valid: { cp311: 3, cp39: 0 }, invalid: [{ cp311: '3' }, [3], new Map([[311, 3]])] }, // {311: 3}: an int key
      HOME: noData,
    },
    send: {},
  },
  lumberjack: {
    protocol: lumberjackProtocol as never,
    recv: {
      LOGDOWNLOAD: oracleRequestSamples.LOGDOWNLOAD,
      LOGSEARCH: oracleRequestSamples.LOGSEARCH,
      LOGPROJECT: oracleRequestSamples.LOGPROJECT,
      LOGJSON: oracleRequestSamples.LOGJSON,
      LOGPAGE: oracleRequestSamples.LOGPAGE,
    },
    send: {},
  },
  master_control: { protocol: masterControlProtocol as never, recv: masterControl, send: {} },
  task_control: { protocol: taskControlProtocol as never, recv: taskControl, send: {} },
  slave_driver_control: { protocol: slaveDriverControlProtocol as never, recv: { ...taskControl, ...masterControl }, send: {} },
  big_brother_control: { protocol: bigBrotherControlProtocol as never, recv: { ...taskControl, STATS: noData }, send: {} },
  monitor_stats: {
    protocol: monitorStatsProtocol as never,
    recv: {},
    send: {
      HELLO: { valid: masterHello, invalid: [masterHello.slice(0, 5), replace(masterHello, 0, 1600171200)] },
      STATS: { valid: masterStats, invalid: [replace(masterStats, 18, 'hot'), replace(masterStats, 3, 3600), masterStats.slice(0, 18)] },
      SLAVE: {
        valid: [1, TS, 'STATS', slaveStats],
        invalid: [
          [1, TS, 'STATS', 'x'],
          [1, '2020-09-15', 'DONE', NO_DATA],
          [1, TS, 'CONT', NO_DATA], // never forwarded: the Python monitor asserts on it
          [1, TS, 'DONE', null],
          [1, TS, 'HELLO'],
        ],
      },
    },
  },
  sense_stick: {
    protocol: senseStickProtocol as never,
    recv: { EVENT: { valid: [TS, 'up', true, false], invalid: [[TS, 'up', 'yes', false], [TS, 'up', true]] } },
    send: {},
  },
};

/** Further valid data, so the Python round trips see each form a verb can take. */
export const moreValid: Record<string, Record<string, unknown[]>> = {
  slave_driver: {
    SLEEP: [true],
    BUILT: [[false, new TimeDelta(0, 7), 'error: no compiler', []]],
    IDLE: [replace(replace(slaveStats, 7, 0), 8, 0)],
  },
  mr_chase: {
    DONE: [NONE], // 0.18's tools get it bare
    REMOVE: [['foo', '0.1', 'broken build']],
    REBUILD: [['HOME'], ['SEARCH'], ['PROJECT', null], ['BOTH', 'foo'], ['BOTH', null]],
  },
  monitor_stats: {
    SLAVE: [
      [1, TS, 'HELLO', slaveHello],
      [1, TS, 'ACK', [1, 'https://pypi.org/simple']],
      [1, TS, 'SLEEP', true],
      [1, TS, 'BUILD', ['foo', '0.1']],
      [1, TS, 'SEND', fileState[0]],
      [1, TS, 'DONE', NO_DATA],
      [1, TS, 'DIE', NO_DATA],
      [1, TS, 'DIE', null],
    ],
  },
  master_control: { KILL: [7], SLEEP: [null], SKIP: [null], WAKE: [2] },
};
