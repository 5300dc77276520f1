/**
 * The full-screen pages (manual 5.3.2): each a line of scrolling text over a background. Statistics
 * fill the background from the bottom row up in proportion to their value (0.18's pictures: the ping
 * greening to red over 30 s, free disk red to green, one blue pixel per queued build, builds an hour out
 * of 1,000); a slave's pages are lit in its colour; kill, quit and terminate are red on black.
 */
import { TimeDelta } from '../../../protocols/cbor/values.js';
import { formatDuration } from '../../../cli/common/duration.js';
import { formatSize } from '../../scribe/format.js';
import { slaveState, SILENT_MS, type FarmSlave, type MasterSummary } from '../../../machines/farm/index.js';
import { BLACK, BLUE, hex, mix, RED, type Rgb } from './colour.js';
import { Frame, SIZE } from './frame.js';
import { slaveColour, STATS_TEXT, TEXT, WARNING_TEXT } from './palette.js';

export interface Page {
  text: string;
  colour: Rgb;
  /** Draws the background. */
  background(frame: Frame): void;
}

export type StatsPageName = 'ping' | 'disk' | 'queue' | 'buildRate' | 'buildTime' | 'buildSize';
export type SlavePageName = 'label' | 'abi' | 'task' | 'kill';
export type QuitPageName = 'quit' | 'terminate';

const GREEN = hex('#008000');
/** Builds an hour that fill the build-rate page. */
export const FULL_BUILD_RATE = 1000;

const plain = (colour: Rgb) => (frame: Frame) => frame.fill(colour);

/**
 * `count` of the 64 pixels lit in `colour` from the bottom left, a row at a time upwards; the pixel
 * after the last whole one part-lit.
 */
export function fillFromBottom(frame: Frame, count: number, colour: Rgb): void {
  const n = Math.min(SIZE * SIZE, Math.max(0, count));
  for (let i = 0; i < SIZE * SIZE; i++) {
    const shade = i < Math.floor(n) ? colour : i < n ? mix(BLACK, colour, n - i) : BLACK;
    frame.set(i % SIZE, SIZE - 1 - Math.floor(i / SIZE), shade);
  }
}

const known = (value: number | null, show: (v: number) => string) => (value === null ? '-' : show(value));

export function statsPage(name: StatsPageName, summary: MasterSummary): Page {
  const stats = summary.stats;
  switch (name) {
    case 'ping': {
      const share = Math.min(1, (summary.lastHeardMs ?? 0) / SILENT_MS);
      return {
        text: `Last Ping: ${known(summary.lastHeardMs, (ms) => `${Math.floor(ms / 1000)}s`)}`,
        colour: STATS_TEXT,
        background: (f) => fillFromBottom(f, summary.lastHeardMs === null ? 0 : SIZE * SIZE * share, mix(GREEN, RED, share)),
      };
    }
    case 'disk': {
      const ratio = summary.diskFreeRatio ?? 0;
      return {
        text: `Disk Free: ${known(summary.diskFreeRatio, (r) => `${Math.floor(100 * r)}%`)}`,
        colour: STATS_TEXT,
        background: (f) => fillFromBottom(f, SIZE * SIZE * ratio, mix(RED, GREEN, ratio)),
      };
    }
    case 'queue':
      return {
        text: `Queue Size: ${known(summary.queue, String)}`,
        colour: STATS_TEXT,
        background: (f) => fillFromBottom(f, summary.queue ?? 0, BLUE),
      };
    case 'buildRate':
      return {
        text: `Builds/Hour: ${known(summary.buildsPerHour, String)}`,
        colour: STATS_TEXT,
        background: (f) => fillFromBottom(f, (SIZE * SIZE * (summary.buildsPerHour ?? 0)) / FULL_BUILD_RATE, BLUE),
      };
    case 'buildTime':
      return {
        text: `Build Time: ${stats === null ? '-' : formatDuration(TimeDelta.fromSeconds(Math.floor(stats.buildsTimeMs / 1000)))}`,
        colour: STATS_TEXT,
        background: plain(BLACK),
      };
    case 'buildSize':
      return {
        text: `Build Size: ${stats === null ? '-' : formatSize(stats.buildsSize)}`,
        colour: STATS_TEXT,
        background: plain(BLACK),
      };
  }
}

/** What the slave is doing, in words (0.18's status line). */
export function slaveTask(slave: FarmSlave, now: number): string {
  const job = slave.build === null ? '' : ` ${slave.build.package} ${slave.build.version}`;
  switch (slaveState(slave, now)) {
    case 'killed':
      return 'Terminated';
    case 'timedOut':
      return 'Timed out';
    case 'building':
      return `Building${job}`;
    case 'sending':
      return `Sending${job}`;
    case 'cleaning':
      return `Cleaning up after${job || ' build'}`;
    case 'idle':
      if (slave.lastReply === null) return 'Initializing';
      return slave.asleep ? 'Sleeping' : 'Waiting for jobs';
  }
}

export function slavePage(name: SlavePageName, slave: FarmSlave, now: number): Page {
  const lit = { colour: TEXT, background: plain(slaveColour(slave, now)) };
  switch (name) {
    case 'label':
      return { text: slave.facts?.label ?? `Slave ${slave.id}`, ...lit };
    case 'abi':
      return { text: `ABI: ${slave.facts?.abi ?? '-'}`, ...lit };
    case 'task':
      return { text: slaveTask(slave, now), ...lit };
    case 'kill':
      return { text: 'Kill?', colour: WARNING_TEXT, background: plain(BLACK) };
  }
}

export function quitPage(name: QuitPageName): Page {
  return { text: name === 'quit' ? 'Quit?' : 'Terminate?', colour: WARNING_TEXT, background: plain(BLACK) };
}

export const WAITING_PAGE: Page = { text: 'Waiting for master', colour: TEXT, background: plain(BLACK) };
