import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryFigures, parseMeminfo, slaveStats, toSlaveStatsWire } from '../../../actors/slave/stats.js';
import { slaveClientProtocol, slaveDriverProtocol } from '../../../protocols/slave-driver.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'piw-stats-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MEMINFO = [
  'MemTotal:        1000 kB',
  'MemFree:          200 kB',
  'MemAvailable:     600 kB',
  'Cached:           300 kB',
  'SwapCached:         0 kB',
  'Active(anon):      10 kB',
  'SwapTotal:        400 kB',
  'SwapFree:         100 kB',
  'HugePages_Total:    0',
  '',
].join('\n');

describe('slave stats for IDLE and BUSY (protocols/README.md §3.4)', () => {
  test('memory free is MemAvailable when the kernel gives it', () => {
    expect(memoryFigures(parseMeminfo(MEMINFO))).toEqual({ memSize: 1000 * 1024, memFree: 600 * 1024, swapSize: 400 * 1024, swapFree: 100 * 1024 });
  });

  test('else MemFree + Cached', () => {
    const old = MEMINFO.replace(/^MemAvailable:.*\n/m, '');
    expect(memoryFigures(parseMeminfo(old)).memFree).toBe(500 * 1024);
  });

  test('a meminfo without the figures is an error, not a zero', () => {
    expect(() => memoryFigures(parseMeminfo('MemTotal: 5 kB\n'))).toThrow(/MemFree/);
  });

  test('the build dir’s filesystem, this machine’s memory and a readable temperature', async () => {
    const thermal = join(dir, 'temp');
    writeFileSync(thermal, '48312\n');
    const when = new Date('2026-01-02T03:04:05Z');
    const stats = await slaveStats(dir, { thermalPath: thermal, now: () => when, loadAverage: () => 0.25 });
    const [size] = execFileSync('/usr/bin/python3', ['-c', 'import os, sys; s = os.statvfs(sys.argv[1]); print(s.f_blocks * s.f_frsize)', dir], { encoding: 'utf8' }).split('\n');
    expect(stats.diskSize).toBe(Number(size));
    expect(stats.diskFree).toBeGreaterThan(0);
    expect(stats.diskFree).toBeLessThanOrEqual(stats.diskSize);
    const total = /^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1];
    expect(stats.memSize).toBe(Number(total) * 1024);
    expect(stats).toMatchObject({ timestamp: when, loadAverage: 0.25, cpuTemp: 48.312 });
  });

  test('no temperature sensor reads as 0.0', async () => {
    expect((await slaveStats(dir, { thermalPath: join(dir, 'no-sensor') })).cpuTemp).toBe(0);
  });

  test('IDLE data from the stats validates against slave_driver, whole floats included', async () => {
    const stats = await slaveStats(dir, { thermalPath: join(dir, 'no-sensor'), loadAverage: () => 1 });
    const frame = slaveClientProtocol.encode({ verb: 'IDLE', data: toSlaveStatsWire(stats) });
    // load average 1.0 and temperature 0.0 go out as 8-byte floats (0xfb), as Python sends them
    expect(frame.includes(Buffer.from([0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0]))).toBe(true);
    const msg = slaveDriverProtocol.decode(frame);
    expect(msg).toEqual({ verb: 'IDLE', data: toSlaveStatsWire(stats) });
  });
});
