/**
 * piw-sense's screens and how the joystick moves between them (manual 5.3.2).
 *
 *   main     the farm at a glance; a pulsing cursor over the slave pixels (rows 3–7, filled down each
 *            column, then across: slot = x * 5 + row).
 *            ENTER on a slave → its detail screens; UP off the top → statistics; DOWN off the bottom → quit.
 *   slave    label → ABI → current task → kill (LEFT / RIGHT); ENTER goes back to main, killing the slave
 *            when on "kill". Back to main by itself when the slave leaves the farm.
 *   stats    ping → disk → queue → build rate → build time → build size (LEFT / RIGHT); DOWN to main.
 *   quit     quit → terminate (LEFT / RIGHT); ENTER does it, UP goes back to main.
 *
 * Pure: no clock, no hardware, no farm. The owner sends
 *   UP / DOWN / LEFT / RIGHT / ENTER  joystick presses, already turned for the HAT's rotation (stick.ts);
 *   TICK                              one per animation frame (the cursor pulses, text scrolls);
 *   SLAVES                            the slaves' ids in display order, whenever the farm changes;
 * and carries out what it emits: `kill` (KILL that slave), `terminate` (QUIT the master, then stop),
 * `quit` (stop). `frame` counts TICKs, `pageFrame` is the frame the current screen was first shown at,
 * so its text scrolls from the start.
 */
import { assertEvent, assign, emit, setup } from 'xstate';

/** Columns of the slave area, and its rows (3–7 of the matrix). */
export const SLAVE_COLUMNS = 8;
export const SLAVE_ROWS = 5;
/** The first matrix row of the slave area: rows 0–2 are ping, disk and queue. */
export const SLAVE_TOP = 3;

/** The slave slot under a cursor: down each column, then across (0.18's layout). */
export function slotAt(cursor: Cursor): number {
  return cursor.x * SLAVE_ROWS + cursor.y;
}

/** Where slot `index` is on the slave area; past the 40th, nowhere. */
export function cursorOf(index: number): Cursor | null {
  if (index < 0 || index >= SLAVE_COLUMNS * SLAVE_ROWS) return null;
  return { x: Math.floor(index / SLAVE_ROWS), y: index % SLAVE_ROWS };
}

/** A place on the slave area: x 0–7, y 0–4 (matrix row y + 3). */
export interface Cursor {
  x: number;
  y: number;
}

export interface NavigationContext {
  cursor: Cursor;
  /** The farm's slaves in display order (ABI, then label). */
  slaves: readonly number[];
  /** The slave whose detail screens are shown. */
  slaveId: number | null;
  frame: number;
  pageFrame: number;
}

export type NavigationEvent =
  | { type: 'UP' }
  | { type: 'DOWN' }
  | { type: 'LEFT' }
  | { type: 'RIGHT' }
  | { type: 'ENTER' }
  | { type: 'TICK' }
  | { type: 'SLAVES'; ids: readonly number[] };

export type NavigationEmitted = { type: 'kill'; slaveId: number } | { type: 'terminate' } | { type: 'quit' };

const clamp = (n: number, max: number) => Math.min(max, Math.max(0, n));

export const navigationMachine = setup({
  types: {
    context: {} as NavigationContext,
    events: {} as NavigationEvent,
    emitted: {} as NavigationEmitted,
  },
  guards: {
    atTop: ({ context }) => context.cursor.y === 0,
    atBottom: ({ context }) => context.cursor.y === SLAVE_ROWS - 1,
    onSlave: ({ context }) => slotAt(context.cursor) < context.slaves.length,
    slaveLeft: ({ context, event }) => {
      assertEvent(event, 'SLAVES');
      return context.slaveId === null || !event.ids.includes(context.slaveId);
    },
  },
  actions: {
    tick: assign({ frame: ({ context }) => context.frame + 1 }),
    noteSlaves: assign({
      slaves: ({ event }) => {
        assertEvent(event, 'SLAVES');
        return event.ids;
      },
    }),
    turnPage: assign({ pageFrame: ({ context }) => context.frame }),
    // the cursor stays on the slave area: a move against its left or right edge does nothing
    move: assign({
      cursor: ({ context }, { dx, dy }: { dx: number; dy: number }) => ({
        x: clamp(context.cursor.x + dx, SLAVE_COLUMNS - 1),
        y: clamp(context.cursor.y + dy, SLAVE_ROWS - 1),
      }),
    }),
    select: assign({ slaveId: ({ context }) => context.slaves[slotAt(context.cursor)] ?? null }),
    deselect: assign({ slaveId: null }),
    kill: emit(({ context }) => ({ type: 'kill', slaveId: context.slaveId! }) as const),
    quit: emit({ type: 'quit' } as const),
    terminate: emit({ type: 'terminate' } as const),
  },
}).createMachine({
  id: 'sense-navigation',
  description:
    "piw-sense's screens and how the Sense HAT's joystick moves between them: the farm at a glance, a slave's detail screens (ending with kill), the statistics screens, and the quit screens. It owns the cursor and which screen is shown; killing a slave, terminating the master and quitting are emitted for piw-sense to carry out.",
  context: { cursor: { x: 0, y: 0 }, slaves: [], slaveId: null, frame: 0, pageFrame: 0 },
  initial: 'main',
  on: {
    TICK: { actions: 'tick' },
    SLAVES: { actions: 'noteSlaves' },
  },
  states: {
    main: {
      entry: ['turnPage', 'deselect'],
      on: {
        UP: [{ guard: 'atTop', target: 'stats' }, { actions: { type: 'move', params: { dx: 0, dy: -1 } } }],
        DOWN: [{ guard: 'atBottom', target: 'quit' }, { actions: { type: 'move', params: { dx: 0, dy: 1 } } }],
        LEFT: { actions: { type: 'move', params: { dx: -1, dy: 0 } } },
        RIGHT: { actions: { type: 'move', params: { dx: 1, dy: 0 } } },
        ENTER: { guard: 'onSlave', target: 'slave', actions: 'select' },
      },
    },
    slave: {
      initial: 'label',
      on: {
        ENTER: '#sense-navigation.main',
        SLAVES: { guard: 'slaveLeft', target: '#sense-navigation.main', actions: 'noteSlaves' },
      },
      states: {
        label: { entry: 'turnPage', on: { RIGHT: 'abi' } },
        abi: { entry: 'turnPage', on: { LEFT: 'label', RIGHT: 'task' } },
        task: { entry: 'turnPage', on: { LEFT: 'abi', RIGHT: 'kill' } },
        kill: {
          entry: 'turnPage',
          on: {
            LEFT: 'task',
            ENTER: { target: '#sense-navigation.main', actions: 'kill' },
          },
        },
      },
    },
    stats: {
      initial: 'ping',
      on: { DOWN: 'main' },
      states: {
        ping: { entry: 'turnPage', on: { RIGHT: 'disk' } },
        disk: { entry: 'turnPage', on: { LEFT: 'ping', RIGHT: 'queue' } },
        queue: { entry: 'turnPage', on: { LEFT: 'disk', RIGHT: 'buildRate' } },
        buildRate: { entry: 'turnPage', on: { LEFT: 'queue', RIGHT: 'buildTime' } },
        buildTime: { entry: 'turnPage', on: { LEFT: 'buildRate', RIGHT: 'buildSize' } },
        buildSize: { entry: 'turnPage', on: { LEFT: 'buildTime' } },
      },
    },
    quit: {
      initial: 'quit',
      on: { UP: 'main' },
      states: {
        quit: { entry: 'turnPage', on: { RIGHT: 'terminate', ENTER: { target: '#sense-navigation.stopped', actions: 'quit' } } },
        terminate: { entry: 'turnPage', on: { LEFT: 'quit', ENTER: { target: '#sense-navigation.stopped', actions: 'terminate' } } },
      },
    },
    stopped: { type: 'final' },
  },
});
