import { foldStatus, initialContext, sortedSlaves, type FarmContext, type LinkState, type MasterState } from '../../../machines/farm/index.js';
import { bar, sparkline } from '../../../cli/monitor/charts.js';
import { frameText, type Frame } from '../../../cli/monitor/frame.js';
import { buildScreen, listRowsFor } from '../../../cli/monitor/screen.js';
import { fit, sanitize, textWidth } from '../../../cli/monitor/text.js';
import { INITIAL_UI, reconcile, type UiState } from '../../../cli/monitor/ui.js';
import { T0, at, masterHello, masterStats, slave, slaveJoins, wire, slaveHelloData } from '../../machines/farm/fixtures.js';

function farm(): FarmContext {
  let c = initialContext(T0);
  c = foldStatus(c, at(0), [masterHello(-3600, 'farm-master'), ...slaveJoins(1, 0, { label: 'pi-idle' }), ...slaveJoins(2, 0, { label: 'pi-build' }), ...slaveJoins(3, 0, { abi: 'cp39', label: 'pi-old' })]);
  c = foldStatus(c, at(1), [slave.sleep(1, 1, false), slave.build(2, 1, 'numpy', '2.0'), slave.build(3, 1, 'scipy', '1.0'), slave.die(3, 2)]);
  for (let t = 10; t <= 600; t += 10) c = foldStatus(c, at(t), [masterStats(t, { pending: { cp311: 700 - t }, built: { cp311: t / 10 } })]);
  return foldStatus(c, at(1000), [slave.stats(2, 1000), slave.sleep(1, 1000, false)]);
}

function screen(opts: { width?: number; height?: number; link?: LinkState; master?: MasterState; context?: FarmContext; ui?: Partial<UiState> } = {}): Frame {
  const context = opts.context ?? farm();
  const height = opts.height ?? 24;
  const slaves = sortedSlaves(context);
  const ui = reconcile({ ...INITIAL_UI, ...opts.ui }, { slaves, rows: listRowsFor({ ...INITIAL_UI, ...opts.ui }, height) });
  return buildScreen({
    width: opts.width ?? 80,
    height,
    link: opts.link ?? 'live',
    master: opts.master ?? 'running',
    context,
    slaves,
    ui,
    statusQueue: 'ipc:///tmp/piw-status',
    controlQueue: 'ipc:///tmp/piw-control',
  });
}

const widthOf = (row: Frame['rows'][number]) => row.reduce((n, s) => n + textWidth(s.text), 0);

test('every size gives exactly width × height cells, from a phone-sized terminal to a wide one', () => {
  for (const [width, height] of [[20, 5], [40, 10], [60, 15], [80, 24], [132, 43], [250, 80]] as const) {
    for (const ui of [{}, { help: true }, { detail: false }, { prompt: { kind: 'terminate' as const } }]) {
      const frame = screen({ width, height, ui });
      expect(frame.rows).toHaveLength(height);
      for (const row of frame.rows) expect(widthOf(row)).toBe(width);
    }
  }
});

test('the master panel, the sparklines, the sorted list with states and the selected slave\'s details', () => {
  const text = frameText(screen({ width: 120, height: 30 }));
  expect(text).toMatch(/^ piw-monitor │ master farm-master │ running │ up 1:16:40 │ last message 0s ago +ipc:\/\/\/tmp\/piw-status/);
  expect(text).toContain('Queue 100 (cp311 100)  Builds/h 60');
  expect(text).toMatch(/Builds\/h, last hour +▁[▁▂▃▄▅▆▇]+█ +Queue, last hour +█[▁▂▃▄▅▆▇]+$/m);
  const rows = text.split('\n');
  const list = rows.filter((r) => r.startsWith(' ▪'));
  // ABI then label, numbers as numbers: cp39 pi-old, cp311 pi-build, cp311 pi-idle
  expect(list.map((r) => r.split(/\s+/)[3])).toEqual(['pi-old', 'pi-build', 'pi-idle']);
  expect(list[0]).toMatch(/Terminated$/);
  expect(list[1]).toMatch(/Building numpy 2\.0 \(long build\)$/);
  expect(list[2]).toMatch(/Waiting for jobs$/);
  expect(text).toContain('─ Slave 3: pi-old ─');
  expect(text).toMatch(/ Task +Terminated since .* \(0:16:38\)/);
  expect(frameText(screen({ width: 120, height: 30, ui: { selectedId: 2, chosen: true } }))).toMatch(/ Task +Building numpy 2\.0 \(long build\) since .* \(0:16:39\)/);
  expect(text).toMatch(/ 3 slaves  1 long build  1 idle  1 killed/);
});

test('rows are coloured by state; the selection is inverted; a long build is yellow', () => {
  const frame = screen({ width: 100, height: 30, ui: { selectedId: 1, chosen: true } });
  const styleOf = (label: string) => frame.rows.find((r) => r.some((s) => s.text.includes(label)))!.find((s) => s.text === '▪')!.style;
  expect(styleOf('pi-build')).toEqual({ color: 'brightYellow' }); // building for 16 minutes
  expect(styleOf('pi-idle')).toEqual({ color: 'brightBlack', inverse: true });
  expect(styleOf('pi-old')).toEqual({ color: 'brightRed' });
});

test('paused, silent and terminating masters say so in the title; a restart is shown', () => {
  expect(frameText(screen({ master: 'paused' })).split('\n')[0]).toContain('│ PAUSED │');
  expect(frameText(screen({ link: 'silent' })).split('\n')[0]).toMatch(/│ SILENT for 0:00:00 │/);
  expect(frameText(screen({ master: 'quitting' })).split('\n')[0]).toContain('│ TERMINATING │');
  const restarted = foldStatus(farm(), at(1001), [masterHello(990, 'farm-master')]);
  expect(frameText(screen({ context: restarted, width: 120 })).split('\n')[0]).toContain('restarted 0s ago');
});

test('no master heard: the whole screen waits for it, naming the address', () => {
  const text = frameText(screen({ link: 'absent', context: initialContext(T0) }));
  expect(text).toContain('Waiting for the master at ipc:///tmp/piw-status');
  expect(text).toContain('(control queue ipc:///tmp/piw-control)');
  expect(text).not.toContain('▪');
  const asking = frameText(screen({ link: 'asking', context: initialContext(T0) }));
  expect(asking).toContain('Connected to ipc:///tmp/piw-status; asking the master for its state…');
  expect(frameText(screen({ link: 'absent' }))).toContain('The master on farm-master was last heard 0s ago.');
});

test('what a slave reports cannot move the cursor or change the terminal: control characters are replaced', () => {
  const hello = slaveHelloData({ label: 'evil\x1b[2J\x1b]0;owned\x07\u202e' });
  const c = foldStatus(initialContext(T0), at(0), [wire({ verb: 'SLAVE', data: [9, new Date(at(0)), 'HELLO', hello] })]);
  const frame = screen({ context: c, width: 100 });
  for (const row of frame.rows) for (const span of row) expect(span.text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  expect(frameText(frame)).toContain('evil?[2J?]0;owned??');
});

test('help replaces the details; a prompt takes the status line', () => {
  expect(frameText(screen({ ui: { help: true } }))).toContain('k kill the selected slave');
  expect(frameText(screen({ ui: { prompt: { kind: 'kill', id: 2, label: 'pi-build' } } }))).toContain('Kill slave 2 (pi-build)? It gets DIE at its next request. [y/N]');
});

test('the footer shortens its labels to fit, and every action stays clickable', () => {
  for (const width of [80, 70, 60, 40]) {
    const frame = screen({ width });
    const footer = frameText(frame).split('\n').at(-1)!;
    expect(footer).toContain('q');
    expect(frame.hits.filter((h) => h.target.kind === 'action').length).toBe(width >= 40 ? 8 : expect.any(Number));
  }
  expect(frameText(screen({ width: 80 })).split('\n').at(-1)).toBe(' p Pause  r Resume  k Kill  K Kill all  s Skip  t Terminate  h Help  q Quit');
  expect(frameText(screen({ width: 60 })).split('\n').at(-1)).toBe(' p Pause r Resume k Kill K All s Skip t Term h Help q Quit');
});

test('text fitting: cut with an ellipsis, wide characters count double', () => {
  expect(fit('abcdef', 4)).toBe('abc…');
  expect(fit('ab', 4, 'right')).toBe('  ab');
  expect(textWidth('日本')).toBe(4);
  expect(fit('日本語', 5)).toBe('日本…');
  expect(textWidth(fit('日本語', 4))).toBe(4);
  expect(sanitize('a\u0301b\u200bc')).toBe('abc');
});

test('charts: a sparkline scaled to its largest value, gaps blank; a bar filled to a ratio', () => {
  expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
  expect(sparkline([null, 7, 0], 5)).toBe('   █▁');
  expect(sparkline([1, 2, 3], 2)).toBe('▆█');
  expect(bar(0.25, 8)).toEqual({ filled: '██', empty: '░░░░░░' });
  expect(bar(2, 4)).toEqual({ filled: '████', empty: '' });
});
