/**
 * piw-monitor's loop: the farm model (through the monitor client) and the person's input in, frames out.
 *
 * Drawing is driven by change, at most `maxFps` times a second: a change in the model or the UI asks
 * for a frame; the frame is built at the earliest 1/maxFps after the last one, and drawn only when it
 * differs from what is on screen (a status message about a slave scrolled out of view costs no output).
 * Commands from ui.ts go to the client; what became of them shows on the status line for a few seconds.
 */
import { linkState, masterState, sortedSlaves } from '../../machines/farm/index.js';
import type { MonitorClient } from '../../actors/monitor/index.js';
import { frameKey, type Frame, type Hit } from './frame.js';
import { buildScreen, listRowsFor } from './screen.js';
import type { MouseEvent, TerminalIo } from './terminal.js';
import { INITIAL_UI, onClick, onKey, onWheel, reconcile, type Command, type ListView, type Outcome, type UiState } from './ui.js';

export const MAX_FPS = 10;
/** How long the outcome of an action stays on the status line. */
export const NOTE_MS = 6000;

export interface MonitorAppOptions {
  client: MonitorClient;
  io: TerminalIo;
  maxFps?: number;
}

export interface MonitorApp {
  /** Resolves when the person quits (q, Ctrl-C) or `stop()` is called. */
  readonly done: Promise<void>;
  /** Frames drawn so far. */
  readonly redraws: number;
  stop(): void;
}

export function runMonitorApp(opts: MonitorAppOptions): MonitorApp {
  const { client, io } = opts;
  const interval = 1000 / (opts.maxFps ?? MAX_FPS);
  let ui: UiState = INITIAL_UI;
  let list: ListView = { slaves: [], rows: 1 };
  let hits: Hit[] = [];
  let shown = '';
  let lastBuilt = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let noteTimer: NodeJS.Timeout | undefined;
  let redraws = 0;
  let stopped = false;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const render = () => {
    timer = undefined;
    if (stopped) return;
    lastBuilt = performance.now();
    const snap = client.farm.getSnapshot();
    const { width, height } = io;
    list = { slaves: sortedSlaves(snap.context), rows: listRowsFor(ui, height) };
    ui = reconcile(ui, list);
    const frame: Frame = buildScreen({
      width,
      height,
      link: linkState(snap),
      master: masterState(snap),
      context: snap.context,
      slaves: list.slaves,
      ui,
      statusQueue: client.statusQueue,
      controlQueue: client.controlQueue,
    });
    hits = frame.hits;
    const key = frameKey(frame);
    if (key === shown) return;
    shown = key;
    io.draw(frame);
    redraws++;
  };

  const invalidate = () => {
    if (timer !== undefined || stopped) return;
    timer = setTimeout(render, Math.max(0, lastBuilt + interval - performance.now()));
  };

  const note = (text: string, bad: boolean) => {
    ui = { ...ui, note: { text, bad } };
    clearTimeout(noteTimer);
    noteTimer = setTimeout(() => {
      ui = { ...ui, note: null };
      invalidate();
    }, NOTE_MS);
    invalidate();
  };

  const sent = (work: Promise<void>, success: string) => {
    work.then(
      () => note(success, false),
      (err: unknown) => note(err instanceof Error ? err.message : String(err), true),
    );
  };

  const carryOut = (command: Command) => {
    switch (command.type) {
      case 'exit':
        return stop();
      case 'pause':
        return sent(client.pause(), 'sent SLEEP: the master pauses (slaves hear SLEEP when they ask for work)');
      case 'resume':
        return sent(client.resume(), 'sent WAKE: the master resumes');
      case 'kill':
        return sent(client.kill(command.id), command.id === null ? 'sent KILL: every slave gets DIE at its next request' : `sent KILL ${command.id}: the slave gets DIE at its next request`);
      case 'skip':
        return sent(client.skip(command.id), command.id === null ? 'sent SKIP: every build is abandoned' : `sent SKIP ${command.id}: its build is abandoned`);
      case 'terminate':
        return sent(client.quit(), 'sent QUIT: the master is shutting down');
    }
  };

  const apply = (outcome: Outcome) => {
    ui = reconcile(outcome.ui, list);
    if (outcome.command !== undefined) carryOut(outcome.command);
    invalidate();
  };

  const onMouse = (event: MouseEvent) => {
    if (event.kind !== 'click') return apply(onWheel(ui, event.kind === 'wheelDown', list));
    const hit = hits.find((h) => h.row === event.y && event.x >= h.from && event.x < h.to);
    if (hit !== undefined) apply(onClick(ui, hit.target, list));
  };

  const subscription = client.farm.subscribe(invalidate);
  io.onKey((key) => apply(onKey(ui, key, list)));
  io.onMouse(onMouse);
  io.onResize(() => {
    shown = '';
    invalidate();
  });
  render();

  function stop() {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    clearTimeout(noteTimer);
    subscription.unsubscribe();
    finish();
  }

  return {
    done,
    get redraws() {
      return redraws;
    },
    stop,
  };
}
