/**
 * The terminal, through terminal-kit: the alternate screen, raw keys and mouse buttons (where the terminal
 * reports them), resizes, and frames drawn through a ScreenBuffer so that only the cells that changed are
 * sent. Each frame goes out as one synchronized update (DEC mode 2026: terminals that know it show the
 * whole frame at once, others ignore it).
 *
 * `close()` puts everything back (normal screen, cursor, input mode, colours, mouse reporting off) and is
 * safe to call more than once, from an exit, a signal or an error.
 */
import { createRequire } from 'node:module';
import type Termkit from 'terminal-kit';
import type { Frame } from './frame.js';
import { textWidth } from './text.js';

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
  let buffer: Termkit.ScreenBuffer | undefined;
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
      if (buffer === undefined || buffer.width !== frame.width || buffer.height !== frame.height) {
        // a new size: start from a clear screen, every cell drawn
        term.clear();
        buffer = new termkit.ScreenBuffer({ dst: term, width: frame.width, height: frame.height });
      }
      frame.rows.forEach((row, y) => {
        let x = 0;
        for (const span of row) {
          buffer!.put({ x, y, attr: span.style, wrap: false, dx: 1, dy: 0 }, span.text);
          x += textWidth(span.text);
        }
      });
      process.stdout.write(SYNC_START);
      buffer.draw({ delta: true });
      process.stdout.write(SYNC_END);
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
