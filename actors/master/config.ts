/**
 * What the master is told (piw-master's settings, manual chapter 2) and its defaults. The queues that
 * 0.18 bound inproc:// (db, fs, web, builds, stats) are the in-process bus here, so only the queues that
 * face other processes have addresses.
 */
import { PYPI_HOLD_SECONDS } from '../../protocols/pypi/changelog-buffer.js';
import { BUFFER_DELAY_MS, DEV_BUFFER_DELAY_MS } from '../../machines/secretary/secretary-machine.js';
import { DEFAULT_PYPI_JSON } from '../cloud-gazer/pypi-json.js';
import { DEFAULT_PYPI_XMLRPC } from '../cloud-gazer/pypi-xmlrpc.js';
import { DEFAULT_CONTROL_QUEUE, DEFAULT_STATUS_QUEUE } from '../ipc/defaults.js';
import { DEFAULT_FILE_QUEUE } from '../file-juggler/file-juggler.js';
import type { InspectAddress } from '../inspect/address.js';
import { DEFAULT_MAX_FILE_SIZE } from '../file-juggler/file-checks.js';
import { DEFAULT_LOG_QUEUE } from '../lumberjack/log-queue.js';
import { DEFAULT_IMPORT_QUEUE } from '../mr-chase/defaults.js';
import { DEFAULT_ORACLES } from '../oracle/task.js';
import { DEFAULT_PYPI_SIMPLE, DEFAULT_SLAVE_QUEUE } from '../slave-driver/slave-driver.js';

export const DEFAULT_OUTPUT_PATH = '/var/www';

// The ipc queues' defaults are actors/ipc's, shared with every tool; re-exported here under 0.18's names.
export {
  DEFAULT_CONTROL_QUEUE,
  DEFAULT_STATUS_QUEUE,
  DEFAULT_FILE_QUEUE,
  DEFAULT_IMPORT_QUEUE,
  DEFAULT_LOG_QUEUE,
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_ORACLES,
  DEFAULT_PYPI_JSON,
  DEFAULT_PYPI_SIMPLE,
  DEFAULT_PYPI_XMLRPC,
  DEFAULT_SLAVE_QUEUE,
};

export interface MasterQueues {
  /** PUB to monitors (group-writable when ipc). */
  status: string;
  /** PULL from monitors, HWM 10 (group-writable when ipc). */
  control: string;
  /** Mr Chase's ROUTER (owner-only when ipc). */
  import: string;
  /** The Lumberjack's PULL. */
  log: string;
  /** The Slave Driver's ROUTER. */
  slave: string;
  /** The File Juggler's ROUTER. */
  file: string;
}

export interface MasterConfig {
  /** The database; undefined for the embedded default (schema/dsn.ts). */
  dsn: string | undefined;
  /** Where the site is written. */
  outputPath: string;
  /** New packages are added skipped "development mode" (behaviour 35; see defaultConfig for the rest). */
  devMode: boolean;
  /** How long PyPI's events are held to put them in order (0.18: 300 s; 0 holds nothing). */
  pypiHoldSeconds: number;
  /** How long the Secretary holds project-page rewrites back to merge repeats (0.18: 60 s). */
  rewriteDelayMs: number;
  pypiXmlrpc: string;
  pypiSimple: string;
  pypiJson: string;
  queues: MasterQueues;
  /** How many Oracles answer database requests at once. */
  oracles: number;
  /** The largest wheel the File Juggler accepts, in bytes. */
  maxFileSize: number;
  /** The public address of the site, for its sitemaps (default: the Scribe's, https://www.piwheels.org). */
  siteUrl: string | undefined;
  /** Where the live view of the actor tree is served (--inspect, loopback only); undefined: not at all. */
  inspect?: InspectAddress | undefined;
}

/**
 * 0.18's defaults; with `devMode`, those of a development master: rewrites held 3 s instead of 60 (behaviour
 * 35) and PyPI's events not held at all (a local stand-in goes quiet after its last event, which 0.18's
 * 5-minute hold behind the newest event would keep for ever; see actors/cloud-gazer/task.ts).
 */
export function defaultConfig(opts: { devMode?: boolean } = {}): MasterConfig {
  const devMode = opts.devMode ?? false;
  return {
    dsn: undefined,
    outputPath: DEFAULT_OUTPUT_PATH,
    devMode,
    pypiHoldSeconds: devMode ? 0 : PYPI_HOLD_SECONDS,
    rewriteDelayMs: devMode ? DEV_BUFFER_DELAY_MS : BUFFER_DELAY_MS,
    pypiXmlrpc: DEFAULT_PYPI_XMLRPC,
    pypiSimple: DEFAULT_PYPI_SIMPLE,
    pypiJson: DEFAULT_PYPI_JSON,
    queues: {
      status: DEFAULT_STATUS_QUEUE,
      control: DEFAULT_CONTROL_QUEUE,
      import: DEFAULT_IMPORT_QUEUE,
      log: DEFAULT_LOG_QUEUE,
      slave: DEFAULT_SLAVE_QUEUE,
      file: DEFAULT_FILE_QUEUE,
    },
    oracles: DEFAULT_ORACLES,
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    siteUrl: undefined,
  };
}
