/**
 * A joystick event in the `sense_stick` shape (protocols/README.md §4.13) as the navigation machine takes it.
 * Releases do nothing; a held direction repeats (the kernel repeats it while held), so the cursor runs;
 * a held ENTER does not, so keeping the button in does not go in and out of a screen, or kill twice.
 */
import type { Message } from '../../protocols/protocol.js';
import type { senseStickProtocol } from '../../protocols/sense-stick.js';
import type { NavigationEvent } from '../../machines/sense/navigation.js';

export type StickMessage = Message<(typeof senseStickProtocol)['recv']>;

const EVENTS = { up: 'UP', down: 'DOWN', left: 'LEFT', right: 'RIGHT', enter: 'ENTER' } as const;

export function navigationEvent(msg: StickMessage): NavigationEvent | null {
  const [, direction, pressed, held] = msg.data;
  if (!pressed || !Object.hasOwn(EVENTS, direction)) return null;
  if (held && direction === 'enter') return null;
  return { type: EVENTS[direction as keyof typeof EVENTS] };
}
