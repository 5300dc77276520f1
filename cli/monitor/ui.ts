/**
 * What the person at piw-monitor is doing, and what each key and click does (manual chapter 4.3): a pure
 * state and pure reducers, so the terminal adapter only translates input and the app only carries out
 * the commands that come back.
 *
 *   p pause   r resume   k kill the selected slave   K kill all   s skip the selected slave's build
 *   t terminate the master   h or ? help   q or Ctrl-C quit (the master is not affected)
 *   ↑ ↓ j PgUp PgDn Home End move in the list   Enter details on / off   Tab to the actions and back
 *   (← → and Enter there)   a click selects a slave or presses an action; the wheel scrolls
 * `k` is the manual's kill key, so it is not "up" as in vi; kills, skips and terminate ask first
 * ([y/N]), so a stray key never kills anything.
 */
import type { FarmSlave } from '../../machines/farm/index.js';
import { sanitize } from './text.js';

export type ActionName = 'pause' | 'resume' | 'kill' | 'killAll' | 'skip' | 'terminate' | 'help' | 'quit';

/** The footer's actions, in order, with their keys. */
export const ACTIONS: readonly { name: ActionName; key: string; label: string; short: string }[] = [
  { name: 'pause', key: 'p', label: 'Pause', short: 'Pause' },
  { name: 'resume', key: 'r', label: 'Resume', short: 'Resume' },
  { name: 'kill', key: 'k', label: 'Kill', short: 'Kill' },
  { name: 'killAll', key: 'K', label: 'Kill all', short: 'All' },
  { name: 'skip', key: 's', label: 'Skip', short: 'Skip' },
  { name: 'terminate', key: 't', label: 'Terminate', short: 'Term' },
  { name: 'help', key: 'h', label: 'Help', short: 'Help' },
  { name: 'quit', key: 'q', label: 'Quit', short: 'Quit' },
];

export type Prompt =
  | { kind: 'kill'; id: number; label: string }
  | { kind: 'skip'; id: number; label: string }
  | { kind: 'killAll' }
  | { kind: 'terminate' };

/** What the app must do. */
export type Command =
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'kill'; id: number | null }
  | { type: 'skip'; id: number | null }
  | { type: 'terminate' }
  | { type: 'exit' };

export interface UiState {
  /** The selected slave, kept by id as the list re-sorts. */
  selectedId: number | null;
  /** The person chose it; until then the top of the list is selected, whatever arrives first. */
  chosen: boolean;
  /** Where it was in the list: its neighbour is selected when it leaves. */
  selectedIndex: number;
  /** The first list row shown. */
  scroll: number;
  focus: 'list' | 'actions';
  actionIndex: number;
  detail: boolean;
  help: boolean;
  prompt: Prompt | null;
  /** A line about the last action (sent, refused, failed). */
  note: { text: string; bad: boolean } | null;
}

export const INITIAL_UI: UiState = {
  selectedId: null,
  chosen: false,
  selectedIndex: 0,
  scroll: 0,
  focus: 'list',
  actionIndex: 0,
  detail: true,
  help: false,
  prompt: null,
  note: null,
};

/** The slaves shown, in order, and how many list rows fit. */
export interface ListView {
  slaves: readonly FarmSlave[];
  rows: number;
}

export interface Outcome {
  ui: UiState;
  command?: Command;
}

/** Keeps the selection on a slave that is still listed (its neighbour if it left) and in view. */
export function reconcile(ui: UiState, list: ListView): UiState {
  const { slaves } = list;
  let index = ui.selectedId === null || !ui.chosen ? -1 : slaves.findIndex((s) => s.id === ui.selectedId);
  if (index < 0) index = slaves.length === 0 ? -1 : Math.min(ui.selectedIndex, slaves.length - 1);
  const selectedId = index < 0 ? null : slaves[index]!.id;
  const rows = Math.max(1, list.rows);
  let scroll = Math.min(ui.scroll, Math.max(0, slaves.length - rows));
  if (index >= 0) {
    if (index < scroll) scroll = index;
    if (index >= scroll + rows) scroll = index - rows + 1;
  }
  const selectedIndex = Math.max(0, index);
  if (selectedId === ui.selectedId && selectedIndex === ui.selectedIndex && scroll === ui.scroll) return ui;
  return { ...ui, selectedId, selectedIndex, scroll };
}

function moveTo(ui: UiState, list: ListView, index: number): UiState {
  if (list.slaves.length === 0) return ui;
  const i = Math.max(0, Math.min(list.slaves.length - 1, index));
  return reconcile({ ...ui, selectedId: list.slaves[i]!.id, selectedIndex: i, chosen: true }, list);
}

const labelOf = (s: FarmSlave) => sanitize(s.facts?.label || `slave ${s.id}`);

/** Carries out one action by name (its key, its button, or a click on it). */
export function act(ui: UiState, name: ActionName, list: ListView): Outcome {
  const selected = list.slaves.find((s) => s.id === ui.selectedId);
  const none = { ui: { ...ui, note: { text: 'no slave is selected', bad: true } } };
  switch (name) {
    case 'pause':
      return { ui, command: { type: 'pause' } };
    case 'resume':
      return { ui, command: { type: 'resume' } };
    case 'kill':
      return selected === undefined ? none : { ui: { ...ui, prompt: { kind: 'kill', id: selected.id, label: labelOf(selected) } } };
    case 'skip':
      return selected === undefined ? none : { ui: { ...ui, prompt: { kind: 'skip', id: selected.id, label: labelOf(selected) } } };
    case 'killAll':
      return { ui: { ...ui, prompt: { kind: 'killAll' } } };
    case 'terminate':
      return { ui: { ...ui, prompt: { kind: 'terminate' } } };
    case 'help':
      return { ui: { ...ui, help: !ui.help } };
    case 'quit':
      return { ui, command: { type: 'exit' } };
  }
}

function confirmed(prompt: Prompt): Command {
  switch (prompt.kind) {
    case 'kill':
      return { type: 'kill', id: prompt.id };
    case 'skip':
      return { type: 'skip', id: prompt.id };
    case 'killAll':
      return { type: 'kill', id: null };
    case 'terminate':
      return { type: 'terminate' };
  }
}

/** A key, as terminal-kit names it (`UP`, `ENTER`, `CTRL_C`, `k`, `K`). */
export function onKey(ui: UiState, key: string, list: ListView): Outcome {
  if (key === 'CTRL_C') return { ui, command: { type: 'exit' } };
  if (ui.prompt !== null) {
    const prompt = ui.prompt;
    const cleared = { ...ui, prompt: null };
    if (key === 'y' || key === 'Y') return { ui: cleared, command: confirmed(prompt) };
    return { ui: { ...cleared, note: { text: 'cancelled', bad: false } } };
  }
  const action = ACTIONS.find((a) => a.key === key);
  if (action !== undefined) return act(ui, action.name, list);
  const page = Math.max(1, list.rows - 1);
  switch (key) {
    case '?':
      return act(ui, 'help', list);
    case 'ESCAPE':
      return { ui: { ...ui, help: false, note: null } };
    case 'TAB':
    case 'SHIFT_TAB':
      return { ui: { ...ui, focus: ui.focus === 'list' ? 'actions' : 'list' } };
  }
  if (ui.focus === 'actions') {
    switch (key) {
      case 'LEFT':
        return { ui: { ...ui, actionIndex: (ui.actionIndex + ACTIONS.length - 1) % ACTIONS.length } };
      case 'RIGHT':
        return { ui: { ...ui, actionIndex: (ui.actionIndex + 1) % ACTIONS.length } };
      case 'ENTER':
      case ' ':
        return act(ui, ACTIONS[ui.actionIndex]!.name, list);
    }
  }
  switch (key) {
    case 'UP':
      return { ui: moveTo(ui, list, ui.selectedIndex - 1) };
    case 'DOWN':
    case 'j':
      return { ui: moveTo(ui, list, ui.selectedIndex + 1) };
    case 'PAGE_UP':
      return { ui: moveTo(ui, list, ui.selectedIndex - page) };
    case 'PAGE_DOWN':
      return { ui: moveTo(ui, list, ui.selectedIndex + page) };
    case 'HOME':
      return { ui: moveTo(ui, list, 0) };
    case 'END':
      return { ui: moveTo(ui, list, list.slaves.length - 1) };
    case 'ENTER':
      return { ui: { ...ui, detail: !ui.detail } };
  }
  return { ui };
}

/** What a click can land on. */
export type Target = { kind: 'slave'; id: number } | { kind: 'action'; action: ActionName };

export function onClick(ui: UiState, target: Target, list: ListView): Outcome {
  if (target.kind === 'action') return onKey({ ...ui, prompt: null }, ACTIONS.find((a) => a.name === target.action)!.key, list);
  const index = list.slaves.findIndex((s) => s.id === target.id);
  // a second click on the selected slave toggles its details, as Enter does
  if (target.id === ui.selectedId) return { ui: { ...ui, detail: !ui.detail, focus: 'list' } };
  return { ui: { ...moveTo(ui, list, index), focus: 'list' } };
}

export function onWheel(ui: UiState, down: boolean, list: ListView): Outcome {
  return { ui: moveTo(ui, list, ui.selectedIndex + (down ? 1 : -1)) };
}
