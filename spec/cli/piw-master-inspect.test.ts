/**
 * piw-master --inspect as a real process on its embedded database: without the option nothing but the
 * master's own queues listens (no live view, no inspector); with it the page's server answers on the
 * loopback address given and lists the supervisor and its ten tasks; an address already taken stops the
 * master at start (exit status 1); `--inspect ADDR` with an address other machines could reach is
 * refused before anything starts (exit status 2).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TASK_ORDER } from '../../actors/master/tasks.js';
import { MASTER_READY, masterAddressArgs, spawnMasterIn } from './master-process.js';

const children = new Set<ChildProcess>();
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'piw-inspect-cli-'));
});
afterEach(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  children.clear();
  await rm(dir, { recursive: true, force: true });
});

/** The TCP ports a process listens on (its socket inodes matched against /proc/net/tcp{,6}). */
async function listeningPorts(pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1]!);
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (await readFile(table, 'utf8')).split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN; field 9 is the inode.
      if (f.length > 9 && f[3] === '0A' && inodes.has(f[9]!)) ports.push(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

/** The port a task logged it listens on. */
function portOf(stderr: string, what: string): number {
  const m = new RegExp(`listening for ${what} on tcp://\\S+:(\\d+)\n`).exec(stderr);
  if (m === null) throw new Error(`no "listening for ${what}" line in:\n${stderr}`);
  return Number(m[1]);
}

test('off by default: no live view is served and nothing listens but the slave and file queues', async () => {
  const m = spawnMasterIn(dir, children, ['-v', ...masterAddressArgs(dir)]);
  await m.waitFor(MASTER_READY);
  const stderr = m.stderr();
  const queues = [portOf(stderr, 'slaves'), portOf(stderr, 'file transfers')];
  expect(await listeningPorts(m.child.pid!)).toEqual(queues.sort((a, b) => a - b));
  expect(stderr).not.toContain('live view');
  m.child.kill('SIGTERM');
  expect((await m.exited).code).toBe(0);
});

test('--inspect=127.0.0.1:0: the page is served where the log says, listing the supervisor and every task', async () => {
  const m = spawnMasterIn(dir, children, ['-v', '--inspect=127.0.0.1:0', ...masterAddressArgs(dir)]);
  await m.waitFor(MASTER_READY);
  const url = /INFO master: live view of the actors at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(m.stderr())![1]!;
  const page = await fetch(url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<title>piwheels master: live view</title>');
  const { actors } = (await (await fetch(new URL('/api/actors', url))).json()) as { actors: { key: string; id: string; parent?: string; state: string }[] };
  const root = actors.find((a) => a.parent === undefined)!;
  expect(root).toMatchObject({ id: 'supervisor', state: 'running' });
  const tasks = actors.filter((a) => a.parent === root.key);
  expect(tasks.map((t) => t.id)).toEqual([...TASK_ORDER]);
  expect(tasks.every((t) => t.state === 'running')).toBe(true);
  // The page's own port besides the queues', and nothing else.
  expect(await listeningPorts(m.child.pid!)).toEqual([portOf(m.stderr(), 'slaves'), portOf(m.stderr(), 'file transfers'), Number(new URL(url).port)].sort((a, b) => a - b));
  m.child.kill('SIGTERM');
  const { code, stderr } = await m.exited;
  expect(code).toBe(0);
  expect(stderr).toMatch(/INFO master: closed all queues\n$/);
  await expect(fetch(url)).rejects.toThrow();
});

test('an address already taken stops the master at start, saying which, exit status 1', async () => {
  const squatter: Server = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = squatter.address() as AddressInfo;
    const m = spawnMasterIn(dir, children, ['-v', `--inspect=127.0.0.1:${port}`, ...masterAddressArgs(dir)]);
    const { code, stderr } = await m.exited;
    expect(code).toBe(1);
    expect(stderr).toContain(`the master did not start: unable to serve the live view (--inspect) at 127.0.0.1:${port}:`);
    expect(stderr).toContain('EADDRINUSE');
    expect(stderr).not.toContain('starting task');
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
});

test('`piw-master --inspect 0.0.0.0:8008` is refused before anything starts, exit status 2', async () => {
  const m = spawnMasterIn(dir, children, ['--inspect', '0.0.0.0:8008', ...masterAddressArgs(dir)]);
  const { code, stderr } = await m.exited;
  expect(code).toBe(2);
  expect(stderr).toContain('invalid value for option --inspect: 0.0.0.0 is not a loopback address');
  expect(stderr).not.toContain('using ');
});
