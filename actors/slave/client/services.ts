/**
 * Everything the slave does besides talking on the slave queue, as plain functions over its settings:
 * HELLO's data (the machine's facts, -t, the master timeout, the label), IDLE/BUSY statistics for the build
 * dir, starting a build (the -t limit enforced on its process group), BUILT's data, and sending one of the
 * build's wheels to the file queue. The slave actor hands these to the slave-client machine.
 */
import { TimeDelta } from '../../../protocols/cbor/index.js';
import type { SlaveHelloWire, SlaveStatsWire, FileStateWire } from '../../../protocols/records.js';
import { sendFile, type SendFileResult } from '../../file-sender/index.js';
import type { Logger } from '../../runtime/logger.js';
import { build as pipBuild, builtMessageData, type BuildResult } from '../build.js';
import { toSlaveHelloWire, type MachineFacts } from '../machine-facts.js';
import { slaveStats, toSlaveStatsWire } from '../stats.js';
import { slaveErrors } from './errors.js';
import { RunningBuild, type Builder } from './running-build.js';

/** 0.18's fixed master timeout, sent in HELLO as the busy timeout (protocols/README.md §7). */
export const DEFAULT_MASTER_TIMEOUT_MS = 5 * 60_000;
/**
 * How long a file transfer waits on a master that says nothing at all before the slave presumes it gone
 * and starts over. A healthy master answers the transfer's HELLO (said again every 5 s) at once; 0.18's
 * slave would wait for ever, ours waited a whole master timeout.
 */
export const DEFAULT_TRANSFER_TIMEOUT_MS = 60_000;
/** 0.18's `-t` default. */
export const DEFAULT_BUILD_TIMEOUT_MS = 3 * 3_600_000;
export const SLAVE_QUEUE_PORT = 5555;
export const FILE_QUEUE_PORT = 5556;

/** `tcp://host:port`, with an IPv6 literal in brackets. */
export function queueAddress(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return `tcp://${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

export interface SlaveServiceSettings {
  /** Where the master's file queue is: `tcp://<master>:5556`. */
  fileQueue: string;
  /** Where builds make their temp dirs (-d); its filesystem is the one IDLE/BUSY report. */
  buildDir: string;
  /** -t, in milliseconds: reported in HELLO, which is where each build's limit is taken from. */
  buildTimeoutMs: number;
  /** How long the slave waits for the master, in milliseconds; reported in HELLO as the busy timeout. */
  masterTimeoutMs: number;
  /** The longest a file transfer waits on a silent master, in milliseconds (capped at the master timeout). */
  transferTimeoutMs: number;
  label: string;
  /** The Python that builds (its tags are the slave's in HELLO). */
  python: string;
  facts: MachineFacts;
  log: Logger;
  /** The builds' base environment (the slave's own by default). */
  env?: NodeJS.ProcessEnv;
  /** What runs a build: actors/slave's pip builder unless replaced. */
  builder?: Builder;
}

export interface SlaveServices {
  helloData(): SlaveHelloWire;
  statsData(): Promise<SlaveStatsWire>;
  /** Starts a build from `indexUrl` (ACK's) that is killed after `timeoutMs` (HELLO's build timeout). */
  startBuild(pkg: string, version: string, indexUrl: string, timeoutMs: number): RunningBuild;
  builtData(result: BuildResult): [boolean, TimeDelta, string, FileStateWire[]];
  /**
   * Sends the named wheel of `result` to the file queue (after the master's SEND). Rejects with a
   * TransferError PIW_ERR_TRANSFER_TIMEOUT once the master has said nothing for the transfer timeout.
   */
  sendWheel(slaveId: number, result: BuildResult, filename: string, signal: AbortSignal): Promise<SendFileResult>;
}

export function createSlaveServices(settings: SlaveServiceSettings): SlaveServices {
  const { log } = settings;
  const builder = settings.builder ?? pipBuild;
  // sendFile checks for silence periodically and gives up at a check that finds no frame since the one
  // before, so after one to two periods of silence: half the limit makes the limit the most it waits.
  const silenceCheckMs = Math.max(1, Math.ceil(Math.min(settings.transferTimeoutMs, settings.masterTimeoutMs) / 2));
  const hello = toSlaveHelloWire(settings.facts, {
    buildTimeout: TimeDelta.fromMilliseconds(settings.buildTimeoutMs),
    busyTimeout: TimeDelta.fromMilliseconds(settings.masterTimeoutMs),
    label: settings.label,
  });
  return {
    helloData: () => hello,
    statsData: async () => toSlaveStatsWire(await slaveStats(settings.buildDir)),
    startBuild: (pkg, version, indexUrl, timeoutMs) =>
      new RunningBuild(pkg, version, builder, {
        indexUrl,
        buildDir: settings.buildDir,
        timeout: timeoutMs,
        python: settings.python,
        ...(settings.env === undefined ? {} : { env: settings.env }),
      }),
    builtData: builtMessageData,
    async sendWheel(slaveId, result, filename, signal) {
      const wheel = result.files.find((file) => file.filename === filename);
      // 0.18 asserts the master names one of the wheels it was told of (behaviour 192).
      if (wheel === undefined) throw slaveErrors.protocol(`SEND named ${JSON.stringify(filename)}, which this build did not make`);
      log.info(`sending ${filename} (${wheel.size} bytes) to ${settings.fileQueue}`);
      return sendFile({ address: settings.fileQueue, slaveId, path: wheel.path, log, signal, masterTimeoutMs: silenceCheckMs });
    },
  };
}
