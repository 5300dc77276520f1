/**
 * piw-monitor's screen, from the farm model and the UI state (pure: the same input, the same frame).
 *
 *   title      the master: label, running / PAUSED / SILENT / TERMINATING, uptime, last message
 *   master     queue per ABI, builds/hour, totals; disk bar, memory, load, temperature, downloads
 *   charts     builds/hour and queue length over the last hour (sparklines)
 *   slaves     sorted by ABI then label, coloured by state (0.18's palette), the selection inverted
 *   detail     the selected slave: its task, last reply, machine and resources (Enter hides it); or help
 *   footer     a prompt, the last action's outcome or a count of slaves by state; then the actions
 * While no master is heard the whole screen says so: "Waiting for the master at ADDR".
 */
import {
  historySeries,
  isLongBuild,
  masterSummary,
  slaveAlerts,
  slaveState,
  type FarmContext,
  type FarmSlave,
  type LinkState,
  type MasterState,
  type SlaveState,
} from '../../machines/farm/index.js';
import { bar, sparkline } from './charts.js';
import { formatAge, formatAgo, formatSize, formatSkew, formatTime, percent, thousands } from './format.js';
import { RowWriter, type Frame, type Hit, type Span } from './frame.js';
import * as P from './palette.js';
import { textWidth } from './text.js';
import { ACTIONS, type UiState } from './ui.js';

export interface ScreenInput {
  width: number;
  height: number;
  link: LinkState;
  master: MasterState;
  context: FarmContext;
  /** The slaves in display order. */
  slaves: readonly FarmSlave[];
  ui: UiState;
  statusQueue: string;
  controlQueue: string;
}

const DETAIL_ROWS = 4;
const HELP: readonly string[] = [
  'p pause the master (SLEEP)       r resume it (WAKE)              t terminate the master (QUIT)',
  'k kill the selected slave        K kill every slave               s skip the selected slave\'s build',
  '↑ ↓ j PgUp PgDn Home End move    Enter details on/off             Tab actions; ← → Enter there',
  'A kill happens at the slave\'s next IDLE; kills, skips and terminate ask first. q quits the monitor only.',
  'Colours: grey idle, green building, yellow building over 15 min, blue sending, magenta cleaning, red gone.',
];

/** The rows above the slave list. */
function topRows(height: number): number {
  return height >= 20 ? 4 : 3;
}

/** The rows the detail (or help) pane takes, its title included. */
function detailRows(ui: UiState, height: number): number {
  if (ui.help) return Math.min(HELP.length + 1, Math.max(0, height - 10));
  return ui.detail && height >= 18 ? DETAIL_ROWS + 1 : 0;
}

/** How many slaves the list shows at this size. */
export function listRowsFor(ui: UiState, height: number): number {
  return Math.max(1, height - topRows(height) - 1 - detailRows(ui, height) - 2);
}

export function buildScreen(input: ScreenInput): Frame {
  const { width, height } = input;
  const rows: Span[][] = [];
  const hits: Hit[] = [];
  if (input.link === 'absent' || input.link === 'asking') {
    waitingRows(input, rows);
  } else {
    rows.push(titleRow(input));
    masterRows(input, rows);
    const list = listRowsFor(input.ui, height);
    listRowsInto(input, list, rows, hits);
    if (input.ui.help) helpRows(input, rows);
    else if (detailRows(input.ui, height) > 0) detailRowsInto(input, rows);
  }
  while (rows.length < height - 2) rows.push(new RowWriter(width).done());
  rows.length = Math.max(0, height - 2);
  rows.push(statusRow(input));
  rows.push(actionRow(input, height - 1, hits));
  return { width, height, rows: rows.slice(-height), hits };
}

// --- title and master ------------------------------------------------------------------------------

function titleRow(input: ScreenInput): Span[] {
  const { context, link, master, width } = input;
  const m = masterSummary(context);
  let state = 'running';
  let style = P.TITLE;
  if (master === 'quitting') {
    state = 'TERMINATING';
    style = P.TITLE_BAD;
  } else if (link === 'silent') {
    state = `SILENT for ${formatAge(m.lastHeardMs)}`;
    style = P.TITLE_BAD;
  } else if (master === 'paused') {
    state = 'PAUSED';
    style = P.TITLE_WARN;
  }
  const row = new RowWriter(width);
  row.add(` piw-monitor │ master ${m.label ?? '?'} │ `, style);
  row.add(state, { ...style, bold: true });
  row.add(` │ up ${formatAge(m.uptimeMs)} │ last message ${formatAgo(m.lastHeardMs)} ago`, style);
  if (m.restartedAt !== null && context.now - m.restartedAt < 3600_000) {
    row.add(` │ restarted ${formatAgo(context.now - m.restartedAt)} ago`, style);
  }
  const address = ` ${input.statusQueue} `;
  if (row.used + textWidth(address) < width) {
    row.add(' '.repeat(width - row.used - textWidth(address)), style);
    row.add(address, style);
  }
  return row.done(style);
}

function counts(list: [string, number][]): string {
  return list.length === 0 ? 'none' : list.map(([abi, n]) => `${abi} ${thousands(n)}`).join('  ');
}

function masterRows(input: ScreenInput, rows: Span[][]): void {
  const { width, context } = input;
  const m = masterSummary(context);
  const s = m.stats;
  const one = new RowWriter(width);
  one.add(' Queue ', P.LABEL);
  one.add(s === null ? '-' : `${thousands(m.queue!)} (${counts(m.queueByAbi)})`, P.BOLD);
  one.add('  Builds/h ', P.LABEL);
  one.add(s === null ? '-' : `${thousands(m.buildsPerHour!)}${m.buildsPerHourByAbi.length > 1 ? ` (${counts(m.buildsPerHourByAbi)})` : ''}`, P.BOLD);
  if (s !== null) {
    one.add('  Built ', P.LABEL);
    one.add(`${thousands(s.packagesBuilt)} in ${formatAge(s.buildsTimeMs)}, ${formatSize(s.buildsSize)}`);
    one.add('  Files ', P.LABEL);
    one.add(thousands(s.filesCount));
  }
  rows.push(one.done());

  const two = new RowWriter(width);
  two.add(' Disk ', P.LABEL);
  if (s === null || m.diskFreeRatio === null) {
    two.add('-');
  } else {
    const b = bar(m.diskFreeRatio, 12);
    two.add('[');
    two.add(b.filled, m.diskFreeRatio < 0.1 ? P.BAD : P.BAR_FREE);
    two.add(b.empty, P.BAR_USED);
    two.add(`] ${percent(m.diskFreeRatio)} free (${formatSize(s.diskFree)} of ${formatSize(s.diskSize)})`, m.diskFreeRatio < 0.1 ? P.BAD : P.NORMAL);
    two.add('  Mem ', P.LABEL);
    two.add(`${formatSize(s.memFree)} free`);
    two.add('  Load ', P.LABEL);
    two.add(s.load.toFixed(2), s.load > 4 ? P.WARN : P.NORMAL);
    two.add('  Temp ', P.LABEL);
    two.add(`${s.temperature.toFixed(1)}°C`, s.temperature > 70 ? P.WARN : P.NORMAL);
    two.add('  Downloads/h ', P.LABEL);
    two.add(thousands(s.downloadsLastHour));
  }
  rows.push(two.done());

  if (topRows(input.height) < 4) return;
  const three = new RowWriter(width);
  const half = Math.floor(width / 2);
  const chart = (label: string, name: 'buildsPerHour' | 'queue', room: number) => {
    three.add(label, P.LABEL);
    const cells = Math.max(0, room - textWidth(label) - 2);
    three.add(sparkline(historySeries(context, name, cells), cells), P.CHART);
    three.add('  ');
  };
  chart(' Builds/h, last hour ', 'buildsPerHour', half);
  chart('Queue, last hour ', 'queue', width - half);
  rows.push(three.done());
}

// --- slave list ------------------------------------------------------------------------------------

/** What a slave is doing, in words. */
export function taskText(slave: FarmSlave, state: SlaveState, now: number, withAlerts = true): string {
  const job = slave.build === null ? '' : `${slave.build.package} ${slave.build.version}`;
  let text: string;
  switch (state) {
    case 'idle':
      text = slave.lastReply === null || slave.lastReply.verb === 'ACK' ? 'Starting' : slave.asleep ? 'Sleeping (paused)' : 'Waiting for jobs';
      break;
    case 'building':
      text = `Building ${job}`;
      break;
    case 'sending':
      text = `Sending ${slave.file ?? job}`;
      break;
    case 'cleaning':
      text = job === '' ? 'Cleaning up after build' : `Cleaning up after ${job}`;
      break;
    case 'killed':
      text = 'Terminated';
      break;
    case 'timedOut':
      text = slave.ended === 'expired' ? 'Timed out' : `Silent for ${formatAge(now - slave.lastSeen)}`;
      break;
  }
  if (isLongBuild(slave, now)) text += ' (long build)';
  if (slave.skipRequested) text += ' (skip asked)';
  if (slave.killRequested) text += ' (kill asked)';
  const alerts = withAlerts ? slaveAlerts(slave, now) : [];
  if (alerts.length > 0) text += `  ⚠ ${alerts.join(', ')}`;
  return text;
}

interface Columns {
  id: number;
  label: number;
  abi: number;
}

function columnsFor(slaves: readonly FarmSlave[], width: number): Columns {
  let id = 1;
  let label = 5;
  let abi = 3;
  for (const s of slaves) {
    id = Math.max(id, String(s.id).length);
    label = Math.max(label, textWidth(s.facts?.label ?? ''));
    abi = Math.max(abi, textWidth(s.facts?.abi ?? ''));
  }
  return { id, label: Math.min(label, Math.max(8, Math.floor(width / 5))), abi: Math.min(abi, 10) };
}

function listRowsInto(input: ScreenInput, count: number, rows: Span[][], hits: Hit[]): void {
  const { width, slaves, ui, context } = input;
  const now = context.now;
  const cols = columnsFor(slaves, width);
  const head = new RowWriter(width);
  head.add(' S ', P.HEADER);
  head.field('#', cols.id, P.HEADER, 'right');
  head.add(' ', P.HEADER);
  head.field('Label', cols.label + 1, P.HEADER);
  head.field('ABI', cols.abi + 1, P.HEADER);
  head.field('Up time', 9, P.HEADER, 'right');
  head.field('Task time', 10, P.HEADER, 'right');
  head.add(' ', P.HEADER);
  head.add(`Task${slaves.length > count ? `  (${ui.scroll + 1}–${Math.min(slaves.length, ui.scroll + count)} of ${slaves.length})` : ''}`, P.HEADER);
  rows.push(head.done(P.HEADER));
  for (let i = 0; i < count; i++) {
    const slave = slaves[ui.scroll + i];
    const row = new RowWriter(width);
    if (slave === undefined) {
      if (i === 0 && slaves.length === 0) row.add(' No build slaves yet: they appear here as they say HELLO to the master.', P.DIM);
      rows.push(row.done());
      continue;
    }
    const state = slaveState(slave, now);
    const base = P.slaveStyle(state, isLongBuild(slave, now));
    const isSelected = slave.id === ui.selectedId;
    const text = isSelected ? P.selected(P.NORMAL) : P.NORMAL;
    row.add(' ', text);
    row.add('▪', isSelected ? P.selected(base) : base);
    row.add(' ', text);
    row.field(String(slave.id), cols.id, text, 'right');
    row.add(' ', text);
    row.field(slave.facts?.label ?? '', cols.label, text);
    row.add(' ', text);
    row.field(slave.facts?.abi ?? '-', cols.abi, text);
    row.add(' ', text);
    row.field(formatAge(slave.firstSeen === null ? null : now - slave.firstSeen), 9, text, 'right');
    row.add(' ', text);
    row.field(formatAge(now - slave.since), 9, text, 'right');
    row.add(' ', text);
    row.add(taskText(slave, state, now), isSelected ? P.selected(base) : base);
    rows.push(row.done(text));
    hits.push({ row: rows.length - 1, from: 0, to: width, target: { kind: 'slave', id: slave.id } });
  }
}

// --- detail and help -------------------------------------------------------------------------------

function sectionTitle(width: number, title: string): Span[] {
  const row = new RowWriter(width);
  row.add('─ ', P.DIM);
  row.add(title, P.BOLD);
  row.add(' ', P.DIM);
  row.add('─'.repeat(Math.max(0, width - row.used)), P.DIM);
  return row.done();
}

function resources(row: RowWriter, s: { diskFree: number; diskSize: number; memFree: number; memSize: number; swapFree: number; swapSize: number }): void {
  const ratio = s.diskSize > 0 ? s.diskFree / s.diskSize : 0;
  const b = bar(ratio, 10);
  row.add('Disk ', P.LABEL);
  row.add('[');
  row.add(b.filled, ratio < 0.1 ? P.BAD : P.BAR_FREE);
  row.add(b.empty, P.BAR_USED);
  row.add(`] ${formatSize(s.diskFree)} free of ${formatSize(s.diskSize)}`);
  row.add('  Mem ', P.LABEL);
  row.add(`${formatSize(s.memFree)} free of ${formatSize(s.memSize)}`);
  row.add('  Swap ', P.LABEL);
  row.add(s.swapSize > 0 ? `${formatSize(s.swapFree)} free of ${formatSize(s.swapSize)}` : 'none');
}

function detailRowsInto(input: ScreenInput, rows: Span[][]): void {
  const { width, context, ui } = input;
  const now = context.now;
  const slave = input.slaves.find((s) => s.id === ui.selectedId);
  const lines: RowWriter[] = Array.from({ length: DETAIL_ROWS }, () => new RowWriter(width));
  const [l1, l2, l3, l4] = lines as [RowWriter, RowWriter, RowWriter, RowWriter];
  if (slave === undefined) {
    const m = masterSummary(context);
    const f = context.master.facts;
    const s = m.stats;
    rows.push(sectionTitle(width, `Master ${m.label ?? ''}`));
    l1.add(' Started ', P.LABEL);
    l1.add(`${formatTime(m.started)} (up ${formatAge(m.uptimeMs)})`);
    if (m.restarts > 0) l1.add(`  restarted ${m.restarts}× (previous start ${formatTime(context.master.previousStarted)})`, P.WARN);
    l2.add(' Machine ', P.LABEL);
    l2.add(f === null ? '-' : `${f.osName} ${f.osVersion}  board ${f.boardRevision}  serial ${f.boardSerial}`);
    if (s !== null) {
      l3.add(' Downloads ', P.LABEL);
      l3.add(`${thousands(s.downloadsLastHour)} last hour, ${thousands(s.downloadsLastMonth)} last month, ${thousands(s.downloadsAll)} in all`);
      l3.add('  New ', P.LABEL);
      l3.add(`${thousands(s.newLastHour)} last hour`);
      l4.add(' ');
      resources(l4, s);
    }
  } else {
    const state = slaveState(slave, now);
    const f = slave.facts;
    rows.push(sectionTitle(width, `Slave ${slave.id}: ${f?.label ?? '(not introduced yet)'}`));
    l1.add(' Task    ', P.LABEL);
    l1.add(taskText(slave, state, now, false), P.slaveStyle(state, isLongBuild(slave, now)));
    l1.add(` since ${formatTime(slave.since)} (${formatAge(now - slave.since)})`);
    l2.add(' Reply   ', P.LABEL);
    l2.add(slave.lastReply === null ? '-' : `${slave.lastReply.text}, ${formatAgo(now - slave.lastReply.at)} ago`);
    l2.add('  First seen ', P.LABEL);
    l2.add(`${formatTime(slave.firstSeen)}  `);
    l2.add('Last seen ', P.LABEL);
    l2.add(`${formatAgo(now - slave.lastSeen)} ago`);
    l3.add(' Machine ', P.LABEL);
    l3.add(
      f === null
        ? '-'
        : `${f.abi}, Python ${f.pyVersion} on ${f.platform}  ${f.osName} ${f.osVersion}  board ${f.boardRevision}  serial ${f.boardSerial}  clock ${formatSkew(slave.clockSkewMs)}  timeouts ${formatAge(f.buildTimeoutMs)} / ${formatAge(f.busyTimeoutMs)}`,
    );
    const s = slave.stats;
    l4.add(' ');
    if (s === null) l4.add('No statistics yet', P.DIM);
    else {
      resources(l4, s);
      l4.add('  Load ', P.LABEL);
      l4.add(s.load.toFixed(2), s.load > 4 ? P.WARN : P.NORMAL);
      l4.add('  Temp ', P.LABEL);
      l4.add(`${s.temperature.toFixed(1)}°C`, s.temperature > 78 ? P.WARN : P.NORMAL);
    }
    const alerts = slaveAlerts(slave, now);
    if (alerts.length > 0) l4.add(`  ⚠ ${alerts.join(', ')}`, P.WARN);
  }
  for (const l of lines) rows.push(l.done());
}

function helpRows(input: ScreenInput, rows: Span[][]): void {
  const n = detailRows(input.ui, input.height);
  if (n === 0) return;
  rows.push(sectionTitle(input.width, 'Help (h or Esc closes)'));
  for (const line of HELP.slice(0, n - 1)) {
    const row = new RowWriter(input.width);
    row.add(` ${line}`);
    rows.push(row.done());
  }
}

// --- waiting ---------------------------------------------------------------------------------------

function waitingRows(input: ScreenInput, rows: Span[][]): void {
  const { width, height, context } = input;
  const title = new RowWriter(width);
  title.add(` piw-monitor │ ${input.link === 'asking' ? 'connected, asking the master for its state' : 'waiting for the master'}`, P.TITLE_WARN);
  rows.push(title.done(P.TITLE_WARN));
  const lines: [string, P.Style][] = [];
  if (input.link === 'asking') lines.push([`Connected to ${input.statusQueue}; asking the master for its state…`, P.BOLD]);
  else lines.push([`Waiting for the master at ${input.statusQueue}`, P.BOLD]);
  lines.push([`(control queue ${input.controlQueue})`, P.DIM]);
  lines.push(['', P.NORMAL]);
  if (context.master.heardAt !== null) {
    const m = masterSummary(context);
    lines.push([`The master${m.label === null ? '' : ` on ${m.label}`} was last heard ${formatAgo(m.lastHeardMs)} ago.`, P.NORMAL]);
  }
  lines.push(['piw-monitor keeps trying and picks up as soon as the master is there; q quits.', P.DIM]);
  const top = Math.max(1, Math.floor((height - 2 - lines.length) / 2));
  while (rows.length < top) rows.push(new RowWriter(width).done());
  for (const [text, style] of lines) {
    const row = new RowWriter(width);
    row.add(' '.repeat(Math.max(0, Math.floor((width - textWidth(text)) / 2))));
    row.add(text, style);
    rows.push(row.done());
  }
}

// --- footer ----------------------------------------------------------------------------------------

function promptText(ui: UiState): string {
  const p = ui.prompt!;
  switch (p.kind) {
    case 'kill':
      return `Kill slave ${p.id} (${p.label})? It gets DIE at its next request. [y/N]`;
    case 'skip':
      return `Skip the build of slave ${p.id} (${p.label})? [y/N]`;
    case 'killAll':
      return 'Kill EVERY slave? Each gets DIE at its next request. [y/N]';
    case 'terminate':
      return 'Terminate the master? [y/N]';
  }
}

function statusRow(input: ScreenInput): Span[] {
  const { ui, width, slaves, context } = input;
  const row = new RowWriter(width);
  if (ui.prompt !== null) {
    row.add(` ${promptText(ui)} `, P.PROMPT);
    return row.done();
  }
  if (ui.note !== null) {
    row.add(` ${ui.note.text}`, ui.note.bad ? P.BAD : P.GOOD);
    return row.done();
  }
  if (input.link === 'absent' || input.link === 'asking') return row.done();
  const byState = new Map<string, number>();
  for (const s of slaves) {
    const st = isLongBuild(s, context.now) ? 'long build' : slaveState(s, context.now);
    byState.set(st, (byState.get(st) ?? 0) + 1);
  }
  const names: [string, string, string][] = [
    ['building', 'building', 'building'],
    ['long build', 'long build', 'long builds'],
    ['sending', 'sending', 'sending'],
    ['cleaning', 'cleaning', 'cleaning'],
    ['idle', 'idle', 'idle'],
    ['timedOut', 'timed out', 'timed out'],
    ['killed', 'killed', 'killed'],
  ];
  row.add(` ${slaves.length} slave${slaves.length === 1 ? '' : 's'}`, P.BOLD);
  for (const [key, one, many] of names) {
    const n = byState.get(key);
    if (n) row.add(`  ${n} ${n === 1 ? one : many}`, P.DIM);
  }
  return row.done();
}

const NEEDS_MASTER = new Set(['pause', 'resume', 'kill', 'killAll', 'skip', 'terminate']);

/** The footer's ways of writing the actions, widest first: the first that fits the width is used. */
const FOOTER_FORMS: readonly { gap: string; label: (label: string, short: string) => string }[] = [
  { gap: '  ', label: (label) => ` ${label}` },
  { gap: ' ', label: (label) => ` ${label}` },
  { gap: ' ', label: (_, short) => ` ${short}` },
  { gap: ' ', label: () => '' },
];

function actionRow(input: ScreenInput, rowIndex: number, hits: Hit[]): Span[] {
  const { ui, width } = input;
  const waiting = input.link === 'absent';
  const form =
    FOOTER_FORMS.find((f) => 1 + ACTIONS.reduce((n, a) => n + a.key.length + f.label(a.label, a.short).length + f.gap.length, 0) - f.gap.length <= width) ??
    FOOTER_FORMS.at(-1)!;
  const row = new RowWriter(width);
  row.add(' ');
  ACTIONS.forEach((a, i) => {
    const focused = ui.focus === 'actions' && ui.actionIndex === i;
    const disabled = waiting && NEEDS_MASTER.has(a.name);
    const style = focused ? P.ACTION_FOCUSED : disabled ? P.DISABLED : P.ACTION;
    if (i > 0) row.add(form.gap);
    const from = row.add(a.key, focused ? P.ACTION_FOCUSED : disabled ? P.DISABLED : P.KEY).from;
    const to = row.add(form.label(a.label, a.short), style).to;
    if (to > from) hits.push({ row: rowIndex, from, to, target: { kind: 'action', action: a.name } });
  });
  return row.done();
}
