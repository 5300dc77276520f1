/** Record shapes shared by several protocols (protocols/README.md §3), as valibot schemas and their TS types. */
import type * as v from 'valibot';
import { bool, datetime, float, int, list, mapOf, nullable, str, timedelta, tuple } from './fields.js';

/** 3.1: a wheel as the 0.18 wire carries it (9 fields). */
export const fileState = tuple([
  str(), // filename
  int(), // filesize
  str(), // filehash (SHA-256, lowercase hex)
  str(), // package_tag
  str(), // package_version_tag
  str(), // py_version_tag
  str(), // abi_tag
  str(), // platform_tag
  mapOf(list(str())), // dependencies: tool → sorted list
]);
export type FileStateWire = v.InferInput<typeof fileState>;

/** 3.2: a build (8 fields); files sorted by filename. */
export const buildState = tuple([
  int(), // slave_id (0 = piw-import)
  str(), // package
  str(), // version
  str(), // abi_tag (the builder's; never "none")
  bool(), // status
  timedelta(), // duration
  str(), // output
  list(fileState),
]);
export type BuildStateWire = v.InferInput<typeof buildState>;

/** 3.3: what a slave says about itself in HELLO (10 fields). */
export const slaveHello = tuple([
  timedelta(), // build_timeout
  timedelta(), // busy_timeout (the docs' master_timeout)
  str(), // py_version_tag, e.g. "311"
  str(), // abi_tag, e.g. "cp311"
  str(), // platform_tag, e.g. "linux_armv7l"
  str(), // label
  str(), // os_name
  str(), // os_version
  str(), // board_revision
  str(), // board_serial
]);
export type SlaveHelloWire = v.InferInput<typeof slaveHello>;

/** 3.4: slave machine statistics sent with IDLE and BUSY (9 fields). */
export const slaveStats = tuple([
  datetime(), // timestamp
  int(), // disk_size
  int(), // disk_free
  int(), // mem_size
  int(), // mem_free
  int(), // swap_size
  int(), // swap_free
  float(), // load_average (1 min)
  float(), // cpu_temp (°C)
]);
export type SlaveStatsWire = v.InferInput<typeof slaveStats>;

/** 3.5: master statistics (19 fields). */
export const masterStats = tuple([
  datetime(), // timestamp
  int(), // packages_built
  mapOf(int()), // builds_last_hour: abi → count
  timedelta(), // builds_time
  int(), // builds_size
  mapOf(int()), // builds_pending: abi → count
  int(), // new_last_hour
  int(), // files_count
  int(), // downloads_last_hour
  int(), // downloads_last_month
  int(), // downloads_all
  int(), // disk_size
  int(), // disk_free
  int(), // mem_size
  int(), // mem_free
  int(), // swap_size
  int(), // swap_free
  float(), // load_average
  float(), // cpu_temp
]);
export type MasterStatsWire = v.InferInput<typeof masterStats>;

/** 3.6: master HELLO on the status queue (6 fields). */
export const masterHello = tuple([
  datetime(), // started
  str(), // label (host name)
  str(), // os_name
  str(), // os_version
  str(), // board_revision
  str(), // board_serial
]);
export type MasterHelloWire = v.InferInput<typeof masterHello>;

const optStr = () => nullable(str());

/** 3.7: a wheel download (13 fields; the last ten may be null). */
export const downloadRecord = tuple([
  str(), // filename
  str(), // host
  datetime(), // timestamp
  optStr(), // arch
  optStr(), // distro_name
  optStr(), // distro_version
  optStr(), // os_name
  optStr(), // os_version
  optStr(), // py_name
  optStr(), // py_version
  optStr(), // installer_name
  optStr(), // installer_version
  optStr(), // setuptools_version
]);
export type DownloadRecordWire = v.InferInput<typeof downloadRecord>;

/** 3.7: a pip search of `/simple/<pkg>/` (same layout, package first). */
export const searchRecord = downloadRecord;
export type SearchRecordWire = DownloadRecordWire;

/** 3.7: a project page, project JSON or other page hit. */
export const hitRecord = tuple([
  str(), // package or page
  str(), // host
  datetime(), // timestamp
  str(), // user_agent
]);
export type HitRecordWire = v.InferInput<typeof hitRecord>;
