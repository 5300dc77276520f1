/**
 * A local user who binds the master's ipc sockets first (0.18's world-writable /tmp: the master failed to
 * start and an admin's piw-remove talked to the squatter and exited 0). Here, with a real second user
 * running the squatter (spec/actors/ipc/support/squatter.ts): the tools refuse to talk through its socket
 * or its directory, exit 1 with the reason and send it nothing — nothing is removed, imported or logged
 * through it — and piw-master refuses to start, naming the option and the owner, before it touches its
 * database. A socket of the right user in the same shared directory (0.18's explicit /tmp addresses) works.
 */
import { spawn } from 'node:child_process';
import { chmod, chown, lstat, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequestClient } from '../../actors/zmq/request.js';
import { importerProtocol, mrChaseProtocol } from '../../protocols/mr-chase.js';
import { writeWheel } from '../actors/mr-chase/wheels.js';
import { canSwitchUser, secondUser, Squatter, SQUATTER_NAME } from '../actors/ipc/support/squatter.js';
import { ROOT } from './common/harness.js';
import { runTool, toolEnv, type ToolRun } from './piw-import-support.js';

const describeAsRoot = canSwitchUser ? describe : describe.skip;

let base: string;
let shared: string;
const squatters: Squatter[] = [];

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'piw-squat-'));
  await chmod(base, 0o755);
  shared = path.join(base, 'shared');
  await mkdir(shared);
  await chmod(shared, 0o1777); // like /tmp
});
afterEach(async () => {
  for (const s of squatters.splice(0)) s.close();
  await rm(base, { recursive: true, force: true });
});

/** The squatter's forged answer to anything: DONE, which an unchecking tool takes for success. */
const FORGED_DONE = mrChaseProtocol.encode({ verb: 'DONE' });

async function squat(address: string, kind: 'REP' | 'PULL' = 'REP'): Promise<Squatter> {
  const squatter = await Squatter.start(address, kind, FORGED_DONE);
  squatters.push(squatter);
  return squatter;
}

/** Runs a cli/ script (piw-logger, piw-master) as a real process. */
function runCli(script: string, args: string[], env: NodeJS.ProcessEnv = toolEnv()): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `cli/${script}.ts`, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describeAsRoot('a squatted import queue in a shared directory', () => {
  test('the squatter really would answer: a client that does not check gets its forged DONE', async () => {
    const address = `ipc://${shared}/piw-import`;
    const squatter = await squat(address);
    const naive = createRequestClient({ protocol: importerProtocol, address, timeoutMs: 10_000 });
    try {
      await expect(naive.request({ verb: 'REMOVE', data: ['foo', '', ''] })).resolves.toEqual({ verb: 'DONE' });
    } finally {
      await naive.close();
    }
    await squatter.waitFor(1);
    expect(squatter.received).toHaveLength(1);
  });

  test('piw-remove, piw-rebuild and piw-import refuse it, exit 1, and send it nothing', async () => {
    const { uid } = secondUser();
    const address = `ipc://${shared}/piw-import`;
    const squatter = await squat(address);
    const wheel = await writeWheel(base, 'foo-1.0-py3-none-any.whl');
    const reason = `refusing ${address}: the socket belongs to ${SQUATTER_NAME} (uid ${uid}), not to root (uid 0)`;
    for (const [tool, args] of [
      ['piw-remove', ['-y', 'foo']],
      ['piw-rebuild', ['-y', 'home']],
      ['piw-import', ['-y', '--abi', 'cp311', wheel.path]],
    ] as const) {
      const run = await runTool(tool, ['--import-queue', address, ...args]);
      expect({ tool, code: run.code }).toEqual({ tool, code: 1 });
      expect(run.stderr).toContain(reason);
    }
    expect(squatter.received).toEqual([]);
  });

  test('piw-logger refuses a squatted log queue and pushes it no record', async () => {
    const address = `ipc://${shared}/piw-logger`;
    const squatter = await squat(address, 'PULL');
    const log = path.join(base, 'access.log');
    await writeFile(log, '192.0.2.1 - - [15/Sep/2020:12:00:00 +0000] "GET /simple/foo/foo-1.0-py3-none-any.whl HTTP/1.1" 200 1024 "-" "pip/23.0.1"\n');
    const run = await runCli('piw-logger', ['--log-queue', address, log]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`refusing ${address}: the socket belongs to ${SQUATTER_NAME}`);
    expect(squatter.received).toEqual([]);
  });

  test('piw-master refuses to start beside it, naming the option and the owner, and leaves it alone', async () => {
    const address = `ipc://${shared}/piw-import`;
    await squat(address);
    const run = await runCli('piw-master', ['--import-queue', address, '--status-queue', `ipc://${base}/status`, '--control-queue', `ipc://${base}/control`], toolEnv({ PIW_ALLOW_ROOT: '1' }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the master did not start: unable to use the import queue (--import-queue): refusing ${address}: the socket belongs to ${SQUATTER_NAME}`);
    expect(run.stderr).not.toContain('using the embedded database');
    expect((await lstat(`${shared}/piw-import`)).uid).toBe(secondUser().uid);
  });
});

describeAsRoot('an ipc directory of another user', () => {
  test('the tools refuse to connect through it; the master refuses it as its default directory (PIW_IPC_DIR)', async () => {
    const { uid, gid } = secondUser();
    const theirs = path.join(shared, 'piwheels');
    await mkdir(theirs);
    await chown(theirs, uid, gid);
    await chmod(theirs, 0o755);
    const squatter = await squat(`ipc://${theirs}/piw-import`);
    const refusal = `refusing the ipc directory ${theirs}: it belongs to ${SQUATTER_NAME} (uid ${uid})`;

    const remove = await runTool('piw-remove', ['-y', 'foo'], { env: toolEnv({ PIW_IPC_DIR: theirs }) });
    expect(remove.code).toBe(1);
    expect(remove.stderr).toContain(refusal);
    expect(squatter.received).toEqual([]);

    const master = await runCli('piw-master', [], toolEnv({ PIW_ALLOW_ROOT: '1', PIW_IPC_DIR: theirs }));
    expect(master.code).toBe(1);
    expect(master.stderr).toContain(`unable to use the status queue (--status-queue): ${refusal}`);
  });
});

describe('0.18-style explicit addresses in a shared directory, of the right user', () => {
  test('piw-logger connects to a log queue this user bound in a sticky directory', async () => {
    const address = `ipc://${shared}/piw-logger`;
    // The "master" here is this process's own user: a PULL socket bound by the test itself.
    const zmq = await import('zeromq');
    const pull = new zmq.Pull({ linger: 0 });
    await pull.bind(address);
    try {
      const log = path.join(base, 'access.log');
      await writeFile(log, '192.0.2.1 - - [15/Sep/2020:12:00:00 +0000] "GET /simple/foo/foo-1.0-py3-none-any.whl HTTP/1.1" 200 1024 "-" "pip/23.0.1"\n');
      const [run, [frame]] = await Promise.all([runCli('piw-logger', ['--log-queue', address, log]), pull.receive()]);
      expect(run.code).toBe(0);
      expect(frame!.length).toBeGreaterThan(0);
    } finally {
      pull.close();
    }
  });
});
