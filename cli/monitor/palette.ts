/**
 * piw-monitor's colours, after 0.18's palette: idle dark grey, building green, sending blue, cleaning
 * magenta, long build (and alerts) yellow, timed out and killed red. A style is what a cell is drawn with
 * (terminal-kit ScreenBuffer attributes).
 */
import type { SlaveState } from '../../machines/farm/index.js';

export interface Style {
  color?: string;
  bgColor?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

export const NORMAL: Style = {};
export const DIM: Style = { color: 'brightBlack' };
export const BOLD: Style = { bold: true };
export const TITLE: Style = { color: 'black', bgColor: 'cyan' };
export const TITLE_BAD: Style = { color: 'brightWhite', bgColor: 'red', bold: true };
export const TITLE_WARN: Style = { color: 'black', bgColor: 'yellow', bold: true };
export const HEADER: Style = { color: 'black', bgColor: 'white' };
export const LABEL: Style = { color: 'cyan' };
export const GOOD: Style = { color: 'brightGreen' };
export const WARN: Style = { color: 'brightYellow' };
export const BAD: Style = { color: 'brightRed', bold: true };
export const CHART: Style = { color: 'brightCyan' };
export const BAR_FREE: Style = { color: 'green' };
export const BAR_USED: Style = { color: 'brightBlack' };
export const KEY: Style = { color: 'brightCyan', bold: true };
export const ACTION: Style = { color: 'white' };
export const ACTION_FOCUSED: Style = { color: 'black', bgColor: 'brightCyan' };
export const DISABLED: Style = { color: 'brightBlack' };
export const PROMPT: Style = { color: 'black', bgColor: 'brightYellow', bold: true };

/** A slave's row colour: its state, yellow for a long build. */
export function slaveStyle(state: SlaveState, longBuild: boolean): Style {
  if (longBuild) return { color: 'brightYellow' };
  switch (state) {
    case 'idle':
      return { color: 'brightBlack' };
    case 'building':
      return { color: 'brightGreen' };
    case 'sending':
      return { color: 'brightBlue' };
    case 'cleaning':
      return { color: 'brightMagenta' };
    case 'timedOut':
    case 'killed':
      return { color: 'brightRed' };
  }
}

/** The selected row: the same colour, inverted. */
export function selected(style: Style): Style {
  return { ...style, inverse: true };
}
