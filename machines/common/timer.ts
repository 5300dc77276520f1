/** Node timers overflow past 2³¹-1 ms (≈24.8 days) and then fire at once; delays are clamped to this. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration as a timer delay: not negative, not past what a timer can wait. */
export function timerMs(ms: number): number {
  return Math.min(Math.max(ms, 0), MAX_TIMER_MS);
}
