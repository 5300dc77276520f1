import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineFacts, probePython, readBoard, readOsRelease, toSlaveHelloWire } from '../../../actors/slave/machine-facts.js';
import { TimeDelta } from '../../../protocols/cbor/index.js';
import { slaveClientProtocol, slaveDriverProtocol } from '../../../protocols/slave-driver.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'piw-facts-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('machine facts for HELLO (protocols/README.md §3.3; behaviour 182)', () => {
  test.each(['python3', '/usr/bin/python3'])('the wheel tags of %s are its version, CPython ABI and platform', async (python) => {
    const [major, minor, machine, bits] = execFileSync(python, ['-c', 'import os, sys; print(*sys.version_info[:2], os.uname().machine, sys.maxsize.bit_length() + 1)'], {
      encoding: 'utf8',
    })
      .trim()
      .split(' ');
    const tags = await probePython(python);
    expect(tags.pyVersionTag).toBe(`${major}${minor}`);
    expect(tags.abiTag).toBe(`cp${major}${minor}`);
    if (bits === '64') expect(tags.platformTag).toBe(`linux_${machine}`);
  });

  test('a Python that cannot be run is a typed error', async () => {
    await expect(probePython(join(dir, 'no-python'))).rejects.toMatchObject({ code: 'PIW_ERR_PYTHON_PROBE' });
  });

  test('os-release NAME and VERSION, quoted or not, as shlex reads them', async () => {
    const path = file('os-release', 'PRETTY_NAME="Raspbian GNU/Linux 10 (buster)"\nNAME="Raspbian GNU/Linux"\nVERSION_ID="10"\nVERSION=\'10 (buster)\'\nID=raspbian\n');
    expect(await readOsRelease(path)).toEqual({ osName: 'Raspbian GNU/Linux', osVersion: '10 (buster)' });
    expect(await readOsRelease(file('os-release2', 'NAME=Alpine\\ Linux extra\n'))).toEqual({ osName: 'Alpine Linux', osVersion: '' });
    expect(await readOsRelease(join(dir, 'missing'))).toEqual({ osName: 'Linux', osVersion: '' });
  });

  test('this machine’s os-release reads as Python reads it', async () => {
    const [name, version] = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', 'import json, shlex\nv = dict(l.strip().split("=", 1) for l in open("/etc/os-release") if "=" in l)\nprint(json.dumps([shlex.split(v["NAME"])[0], shlex.split(v.get("VERSION", "\'\'"))[0] if v.get("VERSION") else ""]))'], {
        encoding: 'utf8',
      }),
    );
    expect(await readOsRelease()).toEqual({ osName: name, osVersion: version });
  });

  test('board revision and serial come from the device tree as hex without leading zeros', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'linux,revision'), Buffer.from([0x00, 0xa0, 0x20, 0x82]));
    writeFileSync(join(tree, 'linux,serial'), Buffer.from([0, 0, 0, 0, 0x12, 0x34, 0xab, 0xcd]));
    expect(await readBoard({ deviceTreeDir: tree, cpuinfoPath: join(dir, 'none') })).toEqual({ boardRevision: 'a02082', boardSerial: '1234abcd' });
  });

  test('else from /proc/cpuinfo; else "unknown"', async () => {
    const cpuinfo = file('cpuinfo', 'processor\t: 0\nHardware\t: BCM2835\nRevision\t: 00a02082\nSerial\t\t: 00000000abcdef01\nModel\t\t: Raspberry Pi 3 Model B Rev 1.2\n');
    expect(await readBoard({ deviceTreeDir: join(dir, 'no-tree'), cpuinfoPath: cpuinfo })).toEqual({ boardRevision: 'a02082', boardSerial: 'abcdef01' });
    const plain = file('cpuinfo-pc', 'processor\t: 0\nmodel name\t: Intel(R) Xeon(R)\nSerial\t\t: 0000000000000000\n');
    expect(await readBoard({ deviceTreeDir: join(dir, 'no-tree'), cpuinfoPath: plain })).toEqual({ boardRevision: 'unknown', boardSerial: 'unknown' });
  });

  test('HELLO data from the facts validates against slave_driver and survives the wire', async () => {
    const facts = await machineFacts();
    const hello = toSlaveHelloWire(facts, { buildTimeout: TimeDelta.fromSeconds(3 * 3600), busyTimeout: TimeDelta.fromSeconds(300), label: 'builder1' });
    const msg = slaveDriverProtocol.decode(slaveClientProtocol.encode({ verb: 'HELLO', data: hello }));
    expect(msg.verb).toBe('HELLO');
    const data = msg.data as typeof hello;
    expect(data[0].totalSeconds).toBe(10_800);
    expect(data[1].totalSeconds).toBe(300);
    expect(data.slice(2)).toEqual([facts.pyVersionTag, facts.abiTag, facts.platformTag, 'builder1', facts.osName, facts.osVersion, facts.boardRevision, facts.boardSerial]);
  });
});
