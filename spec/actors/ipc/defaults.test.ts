/**
 * Where the ipc sockets are by default: PIW_IPC_DIR, then systemd's RuntimeDirectory=piwheels, then
 * /run/piwheels when it exists (the tools of a master under systemd), then a private per-user directory;
 * never /tmp itself. Every command's default addresses come from this one place.
 */
import { defaultIpcDirectory, ipcAddress, ipcPath, LEGACY_QUEUES, SYSTEM_IPC_DIR } from '../../../actors/ipc/index.js';
import * as master from '../../../actors/master/config.js';
import { DEFAULT_IMPORT_QUEUE } from '../../../actors/mr-chase/defaults.js';
import { DEFAULT_LOG_QUEUE } from '../../../actors/lumberjack/log-queue.js';
import * as ipc from '../../../actors/ipc/defaults.js';

const nothing = () => false;

test.each([
  ['PIW_IPC_DIR wins', { PIW_IPC_DIR: '/srv/piwheels/run', RUNTIME_DIRECTORY: '/run/piwheels' }, true, { path: '/srv/piwheels/run', source: 'PIW_IPC_DIR' }],
  ["systemd's RuntimeDirectory=piwheels (among others)", { RUNTIME_DIRECTORY: '/run/other:/run/piwheels' }, false, { path: '/run/piwheels', source: 'RUNTIME_DIRECTORY' }],
  ['a RuntimeDirectory of another name is not ours', { RUNTIME_DIRECTORY: '/run/apache2' }, false, { path: '/tmp/piwheels-1001', source: 'user' }],
  ['/run/piwheels when it exists', {}, true, { path: SYSTEM_IPC_DIR, source: 'system' }],
  ['otherwise a directory of this user’s own', {}, false, { path: '/tmp/piwheels-1001', source: 'user' }],
] as const)('%s', (_, env, runExists, expected) => {
  expect(defaultIpcDirectory({ env, uid: 1001, exists: runExists ? (p) => p === SYSTEM_IPC_DIR : nothing })).toEqual(expected);
});

test("the sockets keep 0.18's names in that directory, and every command's defaults come from it", () => {
  const dir = ipc.DEFAULT_IPC_DIR.path;
  expect([ipc.DEFAULT_STATUS_QUEUE, ipc.DEFAULT_CONTROL_QUEUE, ipc.DEFAULT_IMPORT_QUEUE, ipc.DEFAULT_LOG_QUEUE]).toEqual(
    ['piw-status', 'piw-control', 'piw-import', 'piw-logger'].map((name) => ipcAddress(dir, name)),
  );
  expect(Object.values(LEGACY_QUEUES).map((a) => ipcPath(a)!.replace('/tmp/', ''))).toEqual(['piw-status', 'piw-control', 'piw-import', 'piw-logger']);
  expect([master.DEFAULT_STATUS_QUEUE, master.DEFAULT_CONTROL_QUEUE, DEFAULT_IMPORT_QUEUE, DEFAULT_LOG_QUEUE]).toEqual([
    ipc.DEFAULT_STATUS_QUEUE,
    ipc.DEFAULT_CONTROL_QUEUE,
    ipc.DEFAULT_IMPORT_QUEUE,
    ipc.DEFAULT_LOG_QUEUE,
  ]);
  expect(dir).not.toBe('/tmp');
});
