/** One line saying what a transfer moved, for people (the --json summary is for scripts). */
export function rate(bytes: number, seconds: number): string {
  const mib = bytes / 2 ** 20;
  return `${mib.toFixed(1)} MiB in ${seconds.toFixed(1)} s${seconds > 0 ? `, ${(mib / seconds).toFixed(1)} MiB/s` : ''}`;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
