/**
 * Whose socket is this: the master's checks before it binds and the tools' before they connect, against a
 * real second local user (a squatter process running as that user) in a layout like the machine's:
 *
 *   base/           root, 0755 (like /run: only root writes here)
 *   base/shared/    root, 1777 (like /tmp: anyone may add a file, only its owner may remove it)
 *   base/run/       the other user, 0750 (like /run/piwheels, made by systemd for the unit's User=)
 */
import { execFileSync } from 'node:child_process';
import { chmod, chown, lstat, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkIpcPeer, inspectIpcPeer, prepareIpcBind, type IpcDirectory } from '../../../actors/ipc/index.js';
import { canSwitchUser, secondUser, Squatter, SQUATTER_NAME } from './support/squatter.js';

const describeAsRoot = canSwitchUser ? describe : describe.skip;

let base: string;
let shared: string;
let run: string;
const squatters: Squatter[] = [];
const servers: Server[] = [];
/** A default directory elsewhere, so the machine's own default plays no part. */
const elsewhere: IpcDirectory = { path: '/nonexistent/piwheels', source: 'system' };

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'piw-ipc-'));
  await chmod(base, 0o755);
  shared = path.join(base, 'shared');
  run = path.join(base, 'run');
  await mkdir(shared);
  await chmod(shared, 0o1777);
});
afterEach(async () => {
  for (const s of squatters.splice(0)) s.close();
  for (const s of servers.splice(0)) s.close();
  await rm(base, { recursive: true, force: true });
});

async function squat(address: string, kind: 'REP' | 'PULL' = 'REP'): Promise<Squatter> {
  const squatter = await Squatter.start(address, kind);
  squatters.push(squatter);
  return squatter;
}

/** A unix socket of this process's own at `file`, listening. */
async function listen(file: string): Promise<void> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(file, resolve));
}

const opts = { defaultDir: elsewhere };

describeAsRoot('a socket someone else bound in a shared directory (/tmp/piw-import squatted)', () => {
  test('the tools refuse it, naming its owner; the master refuses to bind beside it and leaves it there', async () => {
    const { uid } = secondUser();
    const address = `ipc://${shared}/piw-import`;
    await squat(address);
    expect((await lstat(`${shared}/piw-import`)).uid).toBe(uid);
    const squatted = expect.objectContaining({
      code: 'PIW_ERR_IPC_SQUATTED',
      message: expect.stringContaining(`refusing ${address}: the socket belongs to ${SQUATTER_NAME} (uid ${uid}), not to root (uid 0)`),
    });
    await expect(inspectIpcPeer(address, opts)).rejects.toEqual(squatted);
    await expect(checkIpcPeer(address, opts)).rejects.toEqual(squatted);
    await expect(prepareIpcBind(address, opts)).rejects.toEqual(squatted);
    expect((await lstat(`${shared}/piw-import`)).isSocket()).toBe(true);
  });

  test('a socket of our own there is fine: 0.18’s explicit /tmp addresses keep working', async () => {
    await listen(`${shared}/piw-import`);
    await expect(inspectIpcPeer(`ipc://${shared}/piw-import`, opts)).resolves.toEqual({ present: true, shared: true });
  });

  test('no socket yet: a tool that would wait for one refuses, since anyone could make it later', async () => {
    await expect(checkIpcPeer(`ipc://${shared}/piw-logger`, opts)).rejects.toThrow(
      expect.objectContaining({ code: 'PIW_ERR_IPC_NO_SOCKET', message: expect.stringContaining(`${shared} is a directory anybody can write to`) }),
    );
    // nor a directory in it that does not exist yet
    await expect(checkIpcPeer(`ipc://${shared}/not-yet/piw-logger`, opts)).rejects.toThrow(expect.objectContaining({ code: 'PIW_ERR_IPC_NO_SOCKET' }));
    await expect(inspectIpcPeer(`ipc://${shared}/piw-import`, opts)).resolves.toEqual({ present: false, shared: true });
  });
});

describeAsRoot('a directory someone else controls', () => {
  test('one the other user made in a shared place: refused by tools and master alike', async () => {
    const { uid, gid } = secondUser();
    const theirs = path.join(shared, 'theirs');
    await mkdir(theirs);
    await chown(theirs, uid, gid);
    await chmod(theirs, 0o755);
    await squat(`ipc://${theirs}/piw-import`);
    const refused = expect.objectContaining({
      code: 'PIW_ERR_IPC_UNSAFE_DIR',
      message: expect.stringContaining(`refusing the ipc directory ${theirs}: it belongs to ${SQUATTER_NAME} (uid ${uid})`),
    });
    await expect(inspectIpcPeer(`ipc://${theirs}/piw-import`, opts)).rejects.toEqual(refused);
    await expect(prepareIpcBind(`ipc://${theirs}/piw-import`, opts)).rejects.toEqual(refused);
  });

  test('the master’s default directory made in advance by someone else (PIW_IPC_DIR, /tmp/piwheels-<uid>): refused', async () => {
    const { uid, gid } = secondUser();
    const premade = path.join(shared, 'piwheels-0');
    await mkdir(premade, { mode: 0o700 });
    await chown(premade, uid, gid);
    await expect(prepareIpcBind(`ipc://${premade}/piw-import`, { defaultDir: { path: premade, source: 'user' } })).rejects.toThrow(
      expect.objectContaining({ code: 'PIW_ERR_IPC_UNSAFE_DIR', message: expect.stringContaining(`it belongs to ${SQUATTER_NAME}`) }),
    );
  });

  test('a default directory that is a symlink (even to a directory of ours) is refused', async () => {
    const ours = path.join(base, 'ours');
    await mkdir(ours, { mode: 0o700 });
    const link = path.join(shared, 'piwheels-0');
    await symlink(ours, link);
    await expect(prepareIpcBind(`ipc://${link}/piw-import`, { defaultDir: { path: link, source: 'user' } })).rejects.toThrow(
      expect.objectContaining({ code: 'PIW_ERR_IPC_UNSAFE_DIR', message: expect.stringContaining('it is not a directory') }),
    );
  });

  test('a directory anyone may write to (0777, not sticky): refused by both', async () => {
    const open = path.join(base, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    const why = expect.objectContaining({ code: 'PIW_ERR_IPC_UNSAFE_DIR', message: expect.stringContaining('writable by others than its owner') });
    await expect(inspectIpcPeer(`ipc://${open}/piw-import`, opts)).rejects.toEqual(why);
    await expect(prepareIpcBind(`ipc://${open}/piw-import`, opts)).rejects.toEqual(why);
  });
});

describeAsRoot("the master's user under systemd (a directory root handed to it, like /run/piwheels)", () => {
  test("root's tools (a piped piw-logger, an admin) and the group's monitors trust its sockets", async () => {
    const { uid, gid } = secondUser();
    await mkdir(run);
    await chown(run, uid, gid);
    await chmod(run, 0o750);
    await squat(`ipc://${run}/piw-logger`, 'PULL');
    await expect(checkIpcPeer(`ipc://${run}/piw-logger`, opts)).resolves.toBeUndefined();
    // and, through the default directory, its sockets named anywhere else too (0.18's /tmp addresses)
    await squat(`ipc://${shared}/piw-import`);
    await expect(inspectIpcPeer(`ipc://${shared}/piw-import`, { defaultDir: { path: run, source: 'system' } })).resolves.toEqual({ present: true, shared: true });
    await expect(inspectIpcPeer(`ipc://${shared}/piw-import`, opts)).rejects.toThrow(expect.objectContaining({ code: 'PIW_ERR_IPC_SQUATTED' }));
  });
});

describe('the master’s own sockets and directory', () => {
  test('its private default directory is made 0700 when missing', async () => {
    const dir = path.join(base, 'piwheels-0');
    await prepareIpcBind(`ipc://${dir}/piw-import`, { defaultDir: { path: dir, source: 'user' } });
    const s = await stat(dir);
    expect([s.isDirectory(), s.mode & 0o777]).toEqual([true, 0o700]);
  });

  test('its own stale socket is left for ZeroMQ to replace; one a running master listens on is refused', async () => {
    const file = path.join(base, 'piw-import');
    await listen(file);
    await expect(prepareIpcBind(`ipc://${file}`, opts)).rejects.toThrow(
      expect.objectContaining({ code: 'PIW_ERR_IPC_IN_USE', message: `another master is already listening at ipc://${file}` }),
    );
    await new Promise((resolve) => servers.pop()!.close(resolve));
    // a socket file nobody listens on any more (a master that was killed): bound, never listened on
    execFileSync('/usr/bin/python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', file]);
    expect((await lstat(file)).isSocket()).toBe(true);
    await expect(prepareIpcBind(`ipc://${file}`, opts)).resolves.toBeUndefined();
  });

  test('something that is not a socket is refused, and left alone (ZeroMQ would delete it)', async () => {
    const file = path.join(base, 'piw-import');
    await writeFile(file, 'precious');
    const notSocket = expect.objectContaining({ code: 'PIW_ERR_IPC_NOT_SOCKET', message: `refusing ipc://${file}: ${file} is not a socket` });
    await expect(prepareIpcBind(`ipc://${file}`, opts)).rejects.toEqual(notSocket);
    await expect(inspectIpcPeer(`ipc://${file}`, opts)).rejects.toEqual(notSocket);
    expect((await stat(file)).size).toBe(8);
  });

  test('tcp:// addresses are not looked at', async () => {
    await expect(prepareIpcBind('tcp://127.0.0.1:*', opts)).resolves.toBeUndefined();
    await expect(inspectIpcPeer('tcp://127.0.0.1:5555', opts)).resolves.toEqual({ present: true, shared: false });
  });
});
