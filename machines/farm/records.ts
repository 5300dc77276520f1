/** The status queue's records (protocols/README.md §3.3–3.6) as the farm model keeps them: named fields, times in ms. */
import type { MasterHelloWire, MasterStatsWire, SlaveHelloWire, SlaveStatsWire } from '../../protocols/records.js';
import type { MasterFacts, MasterSample, SlaveFacts, SlaveSample } from './types.js';

export function slaveFacts(hello: SlaveHelloWire): SlaveFacts {
  const [build, busy, pyVersion, abi, platform, label, osName, osVersion, boardRevision, boardSerial] = hello;
  return {
    buildTimeoutMs: build.totalMilliseconds,
    busyTimeoutMs: busy.totalMilliseconds,
    pyVersion,
    abi,
    platform,
    label,
    osName,
    osVersion,
    boardRevision,
    boardSerial,
  };
}

export function slaveSample(stats: SlaveStatsWire): SlaveSample {
  const [at, diskSize, diskFree, memSize, memFree, swapSize, swapFree, load, temperature] = stats;
  return { at: at.getTime(), diskSize, diskFree, memSize, memFree, swapSize, swapFree, load, temperature };
}

export function masterFacts(hello: MasterHelloWire): MasterFacts {
  const [started, label, osName, osVersion, boardRevision, boardSerial] = hello;
  return { started: started.getTime(), label, osName, osVersion, boardRevision, boardSerial };
}

export function masterSample(stats: MasterStatsWire): MasterSample {
  const [
    at,
    packagesBuilt,
    buildsLastHour,
    buildsTime,
    buildsSize,
    buildsPending,
    newLastHour,
    filesCount,
    downloadsLastHour,
    downloadsLastMonth,
    downloadsAll,
    diskSize,
    diskFree,
    memSize,
    memFree,
    swapSize,
    swapFree,
    load,
    temperature,
  ] = stats;
  return {
    at: at.getTime(),
    packagesBuilt,
    buildsLastHour,
    buildsTimeMs: buildsTime.totalMilliseconds,
    buildsSize,
    buildsPending,
    newLastHour,
    filesCount,
    downloadsLastHour,
    downloadsLastMonth,
    downloadsAll,
    diskSize,
    diskFree,
    memSize,
    memFree,
    swapSize,
    swapFree,
    load,
    temperature,
  };
}
