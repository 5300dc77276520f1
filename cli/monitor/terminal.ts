/**
 * The terminal, through terminal-kit: the alternate screen, raw keys and mouse buttons (where the terminal
 * reports them), resizes. Frames are drawn row by row: only the rows that differ from what is on screen are
 * written (a cursor move, then the row's text with its colours), so a change in one slave's line sends one
 * line. terminal-kit's ScreenBuffer, which compares every cell of the screen on every frame, cost piw-monitor
 * most of its CPU at 500 slaves. Each frame goes out as one write and one synchronized update (DEC mode
 * 2026: terminals that know it show the whole frame at once, others ignore it).
 *
 * `close()` puts everything back (normal screen, cursor, input mode, colours, mouse reporting off) and is
 * safe to call more than once, from an exit, a signal or an error.
 */
import { createRequire } from 'node:module';
import type Termkit from 'terminal-kit';
import type { Frame, Span } from './frame.js';
import type { Style } from './palette.js';

export type MouseEvent = { kind: 'click' | 'wheelUp' | 'wheelDown'; x: number; y: number };

export interface TerminalIo {
  readonly width: number;
  readonly height: number;
  draw(frame: Frame): void;
  onKey(handler: (key: string) => void): void;
  onMouse(handler: (event: MouseEvent) => void): void;
  onResize(handler: (width: number, height: number) => void): void;
  close(): void;
}

const SYNC_START = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';

const COLOURS = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

function colourCode(name: string, background: boolean): number | undefined {
  const bright = name.startsWith('bright');
  const index = COLOURS.indexOf(bright ? name.slice('bright'.length).toLowerCase() : name);
  if (index < 0) return undefined;
  return (bright ? 90 : 30) + (background ? 10 : 0) + index;
}

/** The escape sequence that sets `style` from scratch. */
export function sgr(style: Style): string {
  const codes = [0];
  if (style.bold) codes.push(1);
  if (style.dim) codes.push(2);
  if (style.inverse) codes.push(7);
  const fg = style.color === undefined ? undefined : colourCode(style.color, false);
  const bg = style.bgColor === undefined ? undefined : colourCode(style.bgColor, true);
  if (fg !== undefined) codes.push(fg);
  if (bg !== undefined) codes.push(bg);
  return `\x1b[${codes.join(';')}m`;
}

/** One row as the terminal gets it: each span's style, then its text (the text is already printable). */
export function rowBytes(row: readonly Span[]): string {
  let out = '';
  let last = '';
  for (const span of row) {
    const code = sgr(span.style);
    if (code !== last) out += code;
    last = code;
    out += span.text;
  }
  return `${out}\x1b[0m`;
}

const MOUSE: Record<string, MouseEvent['kind']> = {
  MOUSE_LEFT_BUTTON_PRESSED: 'click',
  MOUSE_WHEEL_UP: 'wheelUp',
  MOUSE_WHEEL_DOWN: 'wheelDown',
};

/**
 * Loaded when a terminal is opened, not on import: terminal-kit's module has lazy getters (one of them
 * opens /dev/tty) that an importer enumerating its properties would set off.
 */
const loadTermkit = () => createRequire(import.meta.url)('terminal-kit') as typeof Termkit;

export function openTerminal(): TerminalIo {
  const termkit = loadTermkit();
  const term = termkit.terminal;
  /** What each row of the screen shows now; empty after a resize (everything is drawn again). */
  let shown: string[] = [];
  let size = '';
  let closed = false;
  term.fullscreen(true);
  term.hideCursor();
  term.grabInput({ mouse: 'button' });
  return {
    get width() {
      return term.width;
    },
    get height() {
      return term.height;
    },
    draw(frame) {
      if (closed) return;
      let out = '';
      if (size !== `${frame.width}x${frame.height}`) {
        size = `${frame.width}x${frame.height}`;
        shown = [];
        out += '\x1b[0m\x1b[2J';
      }
      frame.rows.forEach((row, y) => {
        const bytes = rowBytes(row);
        if (shown[y] === bytes) return;
        shown[y] = bytes;
        out += `\x1b[${y + 1};1H${bytes}`;
      });
      if (out !== '') process.stdout.write(`${SYNC_START}${out}${SYNC_END}`);
    },
    onKey(handler) {
      term.on('key', (name: string) => handler(name));
    },
    onMouse(handler) {
      term.on('mouse', (name: string, data: { x: number; y: number }) => {
        const kind = MOUSE[name];
        if (kind !== undefined) handler({ kind, x: data.x - 1, y: data.y - 1 });
      });
    },
    onResize(handler) {
      term.on('resize', (width: number, height: number) => handler(width, height));
    },
    close() {
      if (closed) return;
      closed = true;
      term.grabInput(false);
      term.hideCursor(false);
      term.styleReset();
      term.fullscreen(false);
      process.stdin.pause();
    },
  };
}
