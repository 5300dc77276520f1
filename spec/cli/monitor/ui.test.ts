import { foldStatus, initialContext, sortedSlaves } from '../../../machines/farm/index.js';
import { ACTIONS, INITIAL_UI, onClick, onKey, onWheel, reconcile, type ListView, type UiState } from '../../../cli/monitor/ui.js';
import { T0, at, slave, slaveJoins } from '../../machines/farm/fixtures.js';

function list(ids: number[], rows = 3): ListView {
  const c = foldStatus(initialContext(T0), at(0), ids.flatMap((id) => slaveJoins(id, 0, { label: `pi-${String(id).padStart(2, '0')}` })));
  return { slaves: sortedSlaves(c), rows };
}

const press = (ui: UiState, keys: string[], view: ListView) => {
  let outcome = { ui: reconcile(ui, view) } as ReturnType<typeof onKey>;
  for (const k of keys) outcome = onKey(outcome.ui, k, view);
  return outcome;
};

test('moving: arrows, j, pages, home and end; the list scrolls to keep the selection in view', () => {
  const view = list([1, 2, 3, 4, 5, 6, 7]);
  expect(press(INITIAL_UI, [], view).ui).toMatchObject({ selectedId: 1, scroll: 0 });
  expect(press(INITIAL_UI, ['DOWN', 'j', 'DOWN'], view).ui).toMatchObject({ selectedId: 4, selectedIndex: 3, scroll: 1 });
  expect(press(INITIAL_UI, ['END'], view).ui).toMatchObject({ selectedId: 7, scroll: 4 });
  expect(press(INITIAL_UI, ['END', 'HOME'], view).ui).toMatchObject({ selectedId: 1, scroll: 0 });
  expect(press(INITIAL_UI, ['PAGE_DOWN', 'PAGE_DOWN'], view).ui).toMatchObject({ selectedId: 5 });
  expect(press(INITIAL_UI, ['UP'], view).ui.selectedId).toBe(1);
});

test('the selection follows its slave as the list changes, and moves to a neighbour when it leaves', () => {
  const ui = press(INITIAL_UI, ['DOWN', 'DOWN'], list([1, 2, 3, 4])).ui;
  expect(ui.selectedId).toBe(3);
  expect(reconcile(ui, list([1, 3, 4])).selectedId).toBe(3);
  expect(reconcile(ui, list([1, 2, 4])).selectedId).toBe(4);
  expect(reconcile(ui, list([1, 2])).selectedId).toBe(2);
  expect(reconcile(ui, list([])).selectedId).toBeNull();
});

test('k and s ask before they act; only y confirms; K and t ask too', () => {
  const view = list([1, 2]);
  const asked = press(INITIAL_UI, ['DOWN', 'k'], view);
  expect(asked.command).toBeUndefined();
  expect(asked.ui.prompt).toEqual({ kind: 'kill', id: 2, label: 'pi-02' });
  expect(onKey(asked.ui, 'y', view)).toMatchObject({ ui: { prompt: null }, command: { type: 'kill', id: 2 } });
  expect(onKey(asked.ui, 'n', view)).toMatchObject({ ui: { prompt: null, note: { text: 'cancelled' } } });
  expect(onKey(asked.ui, 'k', view).command).toBeUndefined(); // k again is not a yes
  expect(press(INITIAL_UI, ['K', 'Y'], view).command).toEqual({ type: 'kill', id: null });
  expect(press(INITIAL_UI, ['s', 'y'], view).command).toEqual({ type: 'skip', id: 1 });
  expect(press(INITIAL_UI, ['t', 'y'], view).command).toEqual({ type: 'terminate' });
  expect(press(INITIAL_UI, ['k'], list([])).ui.note).toEqual({ text: 'no slave is selected', bad: true });
});

test('p, r, q and Ctrl-C act at once; Ctrl-C even answers a prompt by leaving', () => {
  const view = list([1]);
  expect(press(INITIAL_UI, ['p'], view).command).toEqual({ type: 'pause' });
  expect(press(INITIAL_UI, ['r'], view).command).toEqual({ type: 'resume' });
  expect(press(INITIAL_UI, ['q'], view).command).toEqual({ type: 'exit' });
  expect(press(INITIAL_UI, ['t', 'CTRL_C'], view).command).toEqual({ type: 'exit' });
});

test('Tab goes to the actions, where arrows choose one and Enter presses it; Enter in the list toggles details', () => {
  const view = list([1]);
  const inActions = press(INITIAL_UI, ['TAB', 'RIGHT', 'RIGHT', 'RIGHT', 'LEFT'], view);
  expect(inActions.ui).toMatchObject({ focus: 'actions', actionIndex: 2 });
  expect(onKey(inActions.ui, 'ENTER', view).ui.prompt).toEqual({ kind: 'kill', id: 1, label: 'pi-01' });
  expect(press(INITIAL_UI, ['TAB', 'LEFT'], view).ui.actionIndex).toBe(ACTIONS.length - 1);
  expect(press(INITIAL_UI, ['TAB', 'TAB', 'ENTER'], view).ui).toMatchObject({ focus: 'list', detail: false });
  expect(press(INITIAL_UI, ['h'], view).ui.help).toBe(true);
  expect(press(INITIAL_UI, ['?', 'ESCAPE'], view).ui.help).toBe(false);
});

test('mouse: a click selects a slave, a second click toggles its details; an action button acts; the wheel moves', () => {
  const view = list([1, 2, 3]);
  const ui = reconcile(INITIAL_UI, view);
  const picked = onClick(ui, { kind: 'slave', id: 3 }, view).ui;
  expect(picked.selectedId).toBe(3);
  expect(onClick(picked, { kind: 'slave', id: 3 }, view).ui.detail).toBe(false);
  expect(onClick(picked, { kind: 'action', action: 'pause' }, view).command).toEqual({ type: 'pause' });
  expect(onClick(picked, { kind: 'action', action: 'kill' }, view).ui.prompt).toMatchObject({ kind: 'kill', id: 3 });
  expect(onWheel(picked, false, view).ui.selectedId).toBe(2);
});

test('a slave not yet introduced is asked about by id', () => {
  const c = foldStatus(initialContext(T0), at(0), [slave.build(7, 0)]);
  const view = { slaves: sortedSlaves(c), rows: 3 };
  expect(press(INITIAL_UI, ['k'], view).ui.prompt).toEqual({ kind: 'kill', id: 7, label: 'slave 7' });
});

test('until the person chooses, the top of the list is selected, whichever slave was heard of first', () => {
  const first = reconcile(INITIAL_UI, list([5]));
  expect(first.selectedId).toBe(5);
  expect(reconcile(first, list([2, 5])).selectedId).toBe(2);
  const chosen = onKey(reconcile(INITIAL_UI, list([2, 5])), 'DOWN', list([2, 5])).ui;
  expect(reconcile(chosen, list([1, 2, 5])).selectedId).toBe(5);
});
