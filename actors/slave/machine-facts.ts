/**
 * What a slave says about itself in HELLO (protocols/README.md §3.3): the wheel tags of the Python it builds
 * with, the OS name and version from /etc/os-release, and the board's revision and serial.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { TimeDelta } from '../../protocols/cbor/index.js';
import type { SlaveHelloWire } from '../../protocols/records.js';
import { PythonProbeError } from './errors.js';

export interface PythonTags {
  /** e.g. "311" (wheel's `get_impl_ver()`). */
  pyVersionTag: string;
  /** e.g. "cp311", "cp37m" (wheel's `get_abi_tag()`). */
  abiTag: string;
  /** e.g. "linux_x86_64", "linux_armv7l" (bdist_wheel's platform). */
  platformTag: string;
}

// What bdist_wheel of the 0.18 era computes, asked of the build Python itself. A 32-bit userland on a
// 64-bit kernel (Raspberry Pi OS) reports the kernel's machine, which bdist_wheel corrects as here.
const PROBE = `
import json, sys, sysconfig
ver = sysconfig.get_config_var("py_version_nodot") or "%d%d" % sys.version_info[:2]
soabi = sysconfig.get_config_var("SOABI")
if soabi and soabi.startswith("cpython-"):
    abi = "cp" + soabi.split("-")[1]
elif soabi:
    abi = soabi.replace(".", "_").replace("-", "_")
else:
    abi = "none"
plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
if sys.maxsize == 2**31 - 1:
    plat = {"linux_x86_64": "linux_i686", "linux_aarch64": "linux_armv7l"}.get(plat, plat)
print(json.dumps([ver, abi, plat]))
`;

export function probePython(python = 'python3', timeout = 30_000): Promise<PythonTags> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', PROBE], { timeout, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } }, (err, stdout, stderr) => {
      if (err) return reject(new PythonProbeError(python, (stderr.trim() || err.message).split('\n').at(-1)!));
      try {
        const [pyVersionTag, abiTag, platformTag] = JSON.parse(stdout) as [string, string, string];
        resolve({ pyVersionTag, abiTag, platformTag });
      } catch {
        reject(new PythonProbeError(python, `unexpected answer ${JSON.stringify(stdout.slice(0, 200))}`));
      }
    });
  });
}

/** A value from os-release: quoted or not, as `shlex.split(value)[0]` would read it. */
function shellWord(value: string): string {
  const quoted = /^"((?:[^"\\]|\\.)*)"|^'([^']*)'/.exec(value);
  if (quoted) return quoted[1] !== undefined ? quoted[1].replace(/\\(.)/g, '$1') : quoted[2]!;
  const word = /^(?:[^\s\\'"]|\\.)*/.exec(value)![0];
  return word.replace(/\\(.)/g, '$1');
}

/** NAME and VERSION from os-release; "Linux" and "" when absent (as 0.18). */
export async function readOsRelease(path = '/etc/os-release'): Promise<{ osName: string; osVersion: string }> {
  const values: Record<string, string> = {};
  try {
    for (const line of (await readFile(path, 'utf8')).split('\n')) {
      const at = line.indexOf('=');
      if (at > 0) values[line.slice(0, at).trim()] = shellWord(line.slice(at + 1).trim());
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { osName: values.NAME ?? 'Linux', osVersion: values.VERSION ?? '' };
}

export interface BoardSources {
  /** 0.18 reads `linux,revision` (4 bytes) and `linux,serial` (8 bytes), big-endian, from here. */
  deviceTreeDir?: string;
  cpuinfoPath?: string;
}

/** Hex without leading zeros, or "unknown". */
const hex = (value: bigint) => (value === 0n ? 'unknown' : value.toString(16));

async function deviceTreeValue(path: string, bytes: number): Promise<string | undefined> {
  try {
    const data = await readFile(path);
    if (data.length < bytes) return undefined;
    return hex(bytes === 4 ? BigInt(data.readUInt32BE(0)) : data.readBigUInt64BE(0));
  } catch {
    return undefined;
  }
}

/** Board revision and serial: the device tree (as 0.18), else /proc/cpuinfo's Revision and Serial lines. */
export async function readBoard({ deviceTreeDir = '/proc/device-tree/system', cpuinfoPath = '/proc/cpuinfo' }: BoardSources = {}): Promise<{
  boardRevision: string;
  boardSerial: string;
}> {
  let cpuinfo = '';
  try {
    cpuinfo = await readFile(cpuinfoPath, 'utf8');
  } catch {
    // no /proc/cpuinfo: nothing to say
  }
  const field = (name: string) => {
    const match = new RegExp(`^${name}\\s*:\\s*([0-9a-fA-F]+)\\s*$`, 'm').exec(cpuinfo);
    return match ? hex(BigInt(`0x${match[1]}`)) : 'unknown';
  };
  return {
    boardRevision: (await deviceTreeValue(`${deviceTreeDir}/linux,revision`, 4)) ?? field('Revision'),
    boardSerial: (await deviceTreeValue(`${deviceTreeDir}/linux,serial`, 8)) ?? field('Serial'),
  };
}

export interface MachineFacts extends PythonTags {
  osName: string;
  osVersion: string;
  boardRevision: string;
  boardSerial: string;
}

export async function machineFacts(options: { python?: string; osReleasePath?: string } & BoardSources = {}): Promise<MachineFacts> {
  const [tags, os, board] = await Promise.all([probePython(options.python), readOsRelease(options.osReleasePath), readBoard(options)]);
  return { ...tags, ...os, ...board };
}

/** HELLO's data: `[build_timeout, busy_timeout, py_version_tag, abi_tag, platform_tag, label, os_name, os_version, board_revision, board_serial]`. */
export function toSlaveHelloWire(facts: MachineFacts, settings: { buildTimeout: TimeDelta; busyTimeout: TimeDelta; label: string }): SlaveHelloWire {
  return [
    settings.buildTimeout,
    settings.busyTimeout,
    facts.pyVersionTag,
    facts.abiTag,
    facts.platformTag,
    settings.label,
    facts.osName,
    facts.osVersion,
    facts.boardRevision,
    facts.boardSerial,
  ];
}
