/**
 * The master's statistics (protocols/README.md §3.5) as a record with named fields, what Big Brother keeps and
 * updates, and its 19-field wire form (STATS on the status queue, HOME on the web queue).
 */
import { TimeDelta } from './cbor/index.js';
import type { MasterStatsWire } from './records.js';
import type { Statistics } from '../schema/api.js';

export interface MasterStats {
  timestamp: Date;
  packagesBuilt: number;
  /** ABI → builds in the last hour. */
  buildsLastHour: Record<string, number>;
  buildsTime: TimeDelta;
  buildsSize: number;
  /** ABI → length of its build queue (STATBQ from the Slave Driver). */
  buildsPending: Record<string, number>;
  newLastHour: number;
  filesCount: number;
  downloadsLastHour: number;
  downloadsLastMonth: number;
  downloadsAll: number;
  /** The output path's filesystem (STATFS from the File Juggler). */
  diskSize: number;
  diskFree: number;
  memSize: number;
  memFree: number;
  swapSize: number;
  swapFree: number;
  /** 1-minute load average. */
  loadAverage: number;
  /** °C; 0 when the machine has no readable sensor. */
  cpuTemp: number;
}

/** What Big Brother knows before anything has been measured (all zero, as 0.18). */
export function initialStats(timestamp: Date): MasterStats {
  return {
    timestamp,
    packagesBuilt: 0,
    buildsLastHour: {},
    buildsTime: new TimeDelta(),
    buildsSize: 0,
    buildsPending: {},
    newLastHour: 0,
    filesCount: 0,
    downloadsLastHour: 0,
    downloadsLastMonth: 0,
    downloadsAll: 0,
    diskSize: 0,
    diskFree: 0,
    memSize: 0,
    memFree: 0,
    swapSize: 0,
    swapFree: 0,
    loadAverage: 0,
    cpuTemp: 0,
  };
}

/** The database's figures (GETSTATS) merged in. */
export function withStatistics(stats: MasterStats, s: Statistics): MasterStats {
  return {
    ...stats,
    packagesBuilt: s.packages_built,
    buildsLastHour: s.builds_last_hour,
    buildsTime: s.builds_time,
    buildsSize: s.builds_size,
    newLastHour: s.new_last_hour,
    filesCount: s.files_count,
    downloadsLastHour: s.downloads_last_hour,
    downloadsLastMonth: s.downloads_last_month,
    downloadsAll: s.downloads_all,
  };
}

export function toMasterStatsWire(s: MasterStats): MasterStatsWire {
  return [
    s.timestamp,
    s.packagesBuilt,
    s.buildsLastHour,
    s.buildsTime,
    s.buildsSize,
    s.buildsPending,
    s.newLastHour,
    s.filesCount,
    s.downloadsLastHour,
    s.downloadsLastMonth,
    s.downloadsAll,
    s.diskSize,
    s.diskFree,
    s.memSize,
    s.memFree,
    s.swapSize,
    s.swapFree,
    s.loadAverage,
    s.cpuTemp,
  ];
}

/** The figures of this machine Big Brother reads every 10 s (the disk comes from STATFS). */
export type MachineFigures = Pick<MasterStats, 'memSize' | 'memFree' | 'swapSize' | 'swapFree' | 'loadAverage' | 'cpuTemp'>;
