/**
 * Durations on the command line, as 0.18's `piw-import --duration` and `piw-slave --timeout` users write
 * them: plain seconds (`90`, `1.5`), units (`500ms`, `45s`, `10m`, `3h`, `2d`, `1w`, combined as in
 * `1h30m`) or a clock (`1:30:00`, `90:00`).
 */
import { TimeDelta } from '../../protocols/cbor/values.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const NUMBER = String.raw`\d+(?:\.\d+)?`;
const UNITS = new RegExp(String.raw`^(?:\s*${NUMBER}\s*(?:ms|s|m|h|d|w))+\s*$`);
const UNIT_PART = new RegExp(String.raw`(${NUMBER})\s*(ms|s|m|h|d|w)`, 'g');
const CLOCK = new RegExp(String.raw`^(?:(\d+):)?(\d+):(${NUMBER})$`);
const SECONDS = new RegExp(String.raw`^${NUMBER}$`);

/** The duration `text` describes, or an error saying which forms are understood. */
export function parseDuration(text: string): TimeDelta {
  const s = text.trim().toLowerCase();
  let ms: number;
  if (SECONDS.test(s)) {
    ms = Number(s) * 1000;
  } else if (UNITS.test(s)) {
    ms = 0;
    for (const [, value, unit] of s.matchAll(UNIT_PART)) ms += Number(value) * UNIT_MS[unit!]!;
  } else {
    const clock = CLOCK.exec(s);
    if (clock === null) {
      throw new RangeError(`expected a duration such as 90, 45s, 1h30m or 1:30:00, not ${JSON.stringify(text)}`);
    }
    const [, hours, minutes, seconds] = clock;
    ms = ((Number(hours ?? 0) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
  }
  if (!Number.isFinite(ms) || ms > 3650 * UNIT_MS.d!) throw new RangeError(`duration ${JSON.stringify(text)} is too long`);
  return TimeDelta.fromMilliseconds(ms);
}

/** `1:30:00`, `2 days, 0:00:05` — Python's way of writing a timedelta, as 0.18 printed it. */
export function formatDuration(d: TimeDelta): string {
  const h = Math.floor(d.seconds / 3600);
  const m = String(Math.floor((d.seconds % 3600) / 60)).padStart(2, '0');
  const s = String(d.seconds % 60).padStart(2, '0');
  const frac = d.microseconds ? `.${String(d.microseconds).padStart(6, '0')}` : '';
  const clock = `${h}:${m}:${s}${frac}`;
  return d.days === 0 ? clock : `${d.days} day${Math.abs(d.days) === 1 ? '' : 's'}, ${clock}`;
}
