/** `STATFS [disk_size, disk_free]` of the output path (protocols/README.md §4.8), as 0.18 computes it from statvfs. */
import { statfs } from 'node:fs/promises';

export async function diskStats(path: string): Promise<[size: number, free: number]> {
  const fs = await statfs(path);
  return [fs.blocks * fs.bsize, fs.bavail * fs.bsize];
}
