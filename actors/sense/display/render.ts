/**
 * piw-sense's picture: a pure function of the farm model, the navigation and the time. The main screen
 * while the master is there; "Waiting for master" scrolling in its place while it is not (the other
 * screens still work, so quit is always at hand); a page of scrolling text elsewhere, scrolled from its
 * start when the page was first shown. The picture is upright; the matrix adapter turns it.
 */
import type { SnapshotFrom } from 'xstate';
import { linkState, masterSummary, type farmMachine } from '../../../machines/farm/index.js';
import { BLACK } from './colour.js';
import { Frame } from './frame.js';
import { drawMainScreen } from './main-screen.js';
import type { navigationMachine } from '../../../machines/sense/navigation.js';
import { quitPage, slavePage, statsPage, WAITING_PAGE, type Page, type QuitPageName, type SlavePageName, type StatsPageName } from './pages.js';
import { drawText, scrollOffset, textStrip, type TextStrip } from './text.js';

export type FarmSnapshot = SnapshotFrom<typeof farmMachine>;
export type NavigationSnapshot = SnapshotFrom<typeof navigationMachine>;

/** Recently drawn lines of text: a page's text is laid out once, not fifteen times a second. */
const strips = new Map<string, TextStrip>();
function stripOf(text: string): TextStrip {
  let strip = strips.get(text);
  if (strip === undefined) {
    if (strips.size >= 32) strips.delete(strips.keys().next().value!);
    strip = textStrip(text);
    strips.set(text, strip);
  }
  return strip;
}

function drawPage(page: Page, nav: NavigationSnapshot): Frame {
  const frame = new Frame();
  page.background(frame);
  const strip = stripOf(page.text);
  return drawText(frame, strip, scrollOffset(strip, nav.context.frame - nav.context.pageFrame), page.colour);
}

/** The page on show, or null for the main screen (or nothing at all, once stopped). */
export function currentPage(farm: FarmSnapshot, nav: NavigationSnapshot, now: number): Page | null {
  const value = nav.value;
  if (value === 'stopped') return null;
  if (value === 'main') return linkState(farm) === 'absent' || linkState(farm) === 'asking' ? WAITING_PAGE : null;
  if ('stats' in value) return statsPage(value.stats as StatsPageName, masterSummary(farm.context, now));
  if ('quit' in value) return quitPage(value.quit as QuitPageName);
  const slave = nav.context.slaveId === null ? undefined : farm.context.slaves.get(nav.context.slaveId);
  // the navigation goes back to main once told the slave has gone; until then, the main screen
  if (slave === undefined) return null;
  return slavePage(value.slave as SlavePageName, slave, now);
}

export function renderFrame(farm: FarmSnapshot, nav: NavigationSnapshot, now: number): Frame {
  if (nav.value === 'stopped') return Frame.filled(BLACK);
  const page = currentPage(farm, nav, now);
  if (page === null) return drawMainScreen(Frame.filled(BLACK), farm.context, nav.context, now);
  return drawPage(page, nav);
}
