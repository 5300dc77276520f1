/**
 * The shipped units (scripts/systemd/): `systemd-analyze verify` finds nothing to say about them, in a
 * root that has the system's own units and the piw-* commands where the units expect them, and each has
 * what the deployment needs: Type=notify, an unprivileged User=, the hardening, the ipc RuntimeDirectory
 * for the master, a private /tmp and the watchdog for slaves.
 */
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const UNITS = fileURLToPath(new URL('../../scripts/systemd/', import.meta.url));
const NAMES = ['piwheels-master.service', 'piwheels-slave.service', 'piwheels-sense.service'];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'piw-units-'));
  await mkdir(path.join(root, 'usr/local/bin'), { recursive: true });
  await mkdir(path.join(root, 'etc/systemd/system'), { recursive: true });
  await cp('/usr/lib/systemd/system', path.join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
  for (const bin of ['piw-master', 'piw-slave', 'piw-sense']) {
    await writeFile(path.join(root, 'usr/local/bin', bin), '#!/bin/sh\n');
    await chmod(path.join(root, 'usr/local/bin', bin), 0o755);
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** `systemd-analyze verify` of `units` as installed in the test root: exit status and everything it said. */
function verify(units: Record<string, string>): Promise<{ code: number; output: string }> {
  return (async () => {
    for (const [name, text] of Object.entries(units)) await writeFile(path.join(root, 'etc/systemd/system', name), text);
    return new Promise((resolve) =>
      execFile('systemd-analyze', ['verify', `--root=${root}`, ...Object.keys(units)], (err, stdout, stderr) =>
        resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), output: `${stdout}${stderr}` }),
      ),
    );
  })();
}

const read = (name: string) => readFile(path.join(UNITS, name), 'utf8');

/** `Key=value` lines of a unit (the last one wins), ignoring comments. */
function keys(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

test('systemd-analyze verify has nothing to say about the three units', async () => {
  const units = Object.fromEntries(await Promise.all(NAMES.map(async (n) => [n, await read(n)] as const)));
  expect(await verify(units)).toEqual({ code: 0, output: '' });
});

test('…and it does speak up about a unit that is wrong (so the test above can fail)', async () => {
  const broken = (await read('piwheels-slave.service')).replace('NoNewPrivileges=yes', 'NoNewPrivileges=perhaps').replace('Type=notify', 'Type=notify\nWatchDogSec=2min');
  const { output } = await verify({ 'piwheels-slave.service': broken });
  expect(output).toMatch(/Failed to parse boolean value, ignoring: perhaps/);
  expect(output).toMatch(/Unknown key( name)? 'WatchDogSec'/);
});

test.each(NAMES)('%s: Type=notify, an unprivileged user, hardened, restarted on failure', async (name) => {
  const unit = keys(await read(name));
  expect(unit).toMatchObject({
    Type: 'notify',
    User: 'piwheels',
    NoNewPrivileges: 'yes',
    ProtectSystem: 'strict',
    Restart: 'on-failure',
    CapabilityBoundingSet: '',
  });
  expect(unit.WatchdogSec).toMatch(/^\d+min$/);
  expect(unit.TimeoutStopSec).toBeDefined();
});

test("the master's sockets in RuntimeDirectory=piwheels (0750: its group's monitors may enter), its output and state writable", async () => {
  expect(keys(await read('piwheels-master.service'))).toMatchObject({
    RuntimeDirectory: 'piwheels',
    RuntimeDirectoryMode: '0750',
    RuntimeDirectoryPreserve: 'yes',
    StateDirectory: 'piwheels',
    ReadWritePaths: '/var/www/piwheels',
    ExecStart: '/usr/local/bin/piw-master -v',
  });
});

test("slaves: 0.18's two-minute watchdog, a private /tmp for the builds, time for a build to stop", async () => {
  expect(keys(await read('piwheels-slave.service'))).toMatchObject({
    WatchdogSec: '2min',
    PrivateTmp: 'yes',
    TimeoutStopSec: '90s',
    ReadWritePaths: '/home/piwheels',
    ExecStart: '/usr/local/bin/piw-slave -v',
  });
});
