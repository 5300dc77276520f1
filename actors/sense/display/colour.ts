/**
 * Colours of the Sense HAT's LED matrix: RGB, each channel 0–255. Fractions are kept while colours are
 * mixed and rounded once, when a frame stores them.
 */
export type Rgb = readonly [number, number, number];

export const BLACK: Rgb = [0, 0, 0];
export const WHITE: Rgb = [255, 255, 255];
export const RED: Rgb = [255, 0, 0];
export const BLUE: Rgb = [0, 0, 255];
export const GREY: Rgb = [128, 128, 128];

/** `#rgb` or `#rrggbb` → Rgb (0.18's colours are written this way). */
export function hex(code: string): Rgb {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(code);
  if (!m) throw new RangeError(`not a colour: ${code}`);
  const digits = m[1]!.length === 3 ? [...m[1]!].map((d) => d + d) : m[1]!.match(/../g)!;
  return [parseInt(digits[0]!, 16), parseInt(digits[1]!, 16), parseInt(digits[2]!, 16)];
}

/** The colour `t` of the way from `a` to `b` (t in [0, 1]). */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  const k = Math.min(1, Math.max(0, t));
  return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k];
}

/** Light added to light, as LEDs do: channels add and saturate at full brightness. */
export function add(a: Rgb, b: Rgb): Rgb {
  return [Math.min(255, a[0] + b[0]), Math.min(255, a[1] + b[1]), Math.min(255, a[2] + b[2])];
}

/**
 * A pulse over `steps` shades that climbs and falls back, one shade per animation frame:
 * 0, 1, …, steps-1, steps-1, …, 1, 0, 0, 1, … (0.18's `bounce(range(steps))`). Returns 0…1.
 */
export function pulse(frame: number, steps: number): number {
  const period = 2 * steps;
  const i = ((frame % period) + period) % period;
  return (i < steps ? i : period - 1 - i) / (steps - 1);
}
