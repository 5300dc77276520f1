/** The machine statistics a slave sends with IDLE and BUSY (protocols/README.md §3.4), as 0.18's `info` reads them. */
import { readFile, statfs } from 'node:fs/promises';
import { loadavg } from 'node:os';
import type { SlaveStatsWire } from '../../protocols/records.js';
import { slaveErrors } from './client/errors.js';

export interface SlaveStats {
  timestamp: Date;
  diskSize: number;
  diskFree: number;
  memSize: number;
  memFree: number;
  swapSize: number;
  swapFree: number;
  loadAverage: number;
  /** °C; 0 when the machine has no readable sensor. */
  cpuTemp: number;
}

export interface StatsSources {
  meminfoPath?: string;
  thermalPath?: string;
  now?: () => Date;
  loadAverage?: () => number;
}

/** /proc/meminfo values in bytes, by label (without the colon). */
export function parseMeminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]) * (line.trimEnd().endsWith('kB') ? 1024 : 1));
  }
  return values;
}

/** Memory free is MemAvailable where the kernel has it, else MemFree + Cached. */
export function memoryFigures(meminfo: Map<string, number>): Pick<SlaveStats, 'memSize' | 'memFree' | 'swapSize' | 'swapFree'> {
  const get = (label: string) => {
    const value = meminfo.get(label);
    if (value === undefined) throw slaveErrors.stats(`unable to determine memory stats: /proc/meminfo lacks ${label}`);
    return value;
  };
  const available = meminfo.get('MemAvailable');
  return {
    memSize: get('MemTotal'),
    memFree: available ?? get('MemFree') + get('Cached'),
    swapSize: get('SwapTotal'),
    swapFree: get('SwapFree'),
  };
}

async function cpuTemperature(path: string): Promise<number> {
  try {
    const value = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isFinite(value) ? value / 1000 : 0;
  } catch {
    return 0;
  }
}

/** Statistics for the filesystem of `buildDir` and the machine. */
export async function slaveStats(buildDir: string, sources: StatsSources = {}): Promise<SlaveStats> {
  const {
    meminfoPath = '/proc/meminfo',
    thermalPath = '/sys/class/thermal/thermal_zone0/temp',
    now = () => new Date(),
    loadAverage = () => loadavg()[0]!,
  } = sources;
  const [fs, meminfo, cpuTemp] = await Promise.all([statfs(buildDir), readFile(meminfoPath, 'utf8'), cpuTemperature(thermalPath)]);
  return {
    timestamp: now(),
    diskSize: fs.blocks * fs.bsize,
    diskFree: fs.bavail * fs.bsize,
    ...memoryFigures(parseMeminfo(meminfo)),
    loadAverage: loadAverage(),
    cpuTemp,
  };
}

/** IDLE/BUSY data: `[timestamp, disk_size, disk_free, mem_size, mem_free, swap_size, swap_free, load_average, cpu_temp]`. */
export function toSlaveStatsWire(stats: SlaveStats): SlaveStatsWire {
  return [stats.timestamp, stats.diskSize, stats.diskFree, stats.memSize, stats.memFree, stats.swapSize, stats.swapFree, stats.loadAverage, stats.cpuTemp];
}
