// Failure injection below the API: fs/promises' open() hands out file handles whose sync/chmod fail, and
// rename/directory fsync fail on demand, to prove every step's failure leaves no temp file and the old file.
import { jest } from '@jest/globals';
import * as realFs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Step = 'write' | 'sync' | 'chmod' | 'close' | 'rename' | 'dirsync';
let failAt: Step | null = null;
const ioError = (step: string) => Object.assign(new Error(`injected ${step} failure`), { code: 'EIO' });

jest.unstable_mockModule('node:fs/promises', () => ({
  ...realFs,
  open: async (path: string, flags: string, mode?: number) => {
    const handle = await realFs.open(path, flags, mode);
    const isDir = flags === 'r';
    return new Proxy(handle, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        const step: Step | null =
          prop === 'writeFile' ? 'write' : prop === 'sync' ? (isDir ? 'dirsync' : 'sync') : prop === 'chmod' ? 'chmod' : prop === 'close' ? 'close' : null;
        return async (...args: unknown[]) => {
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (step !== null && step === failAt) throw ioError(step);
          return result;
        };
      },
    }) as FileHandle;
  },
  rename: async (from: string, to: string) => {
    if (failAt === 'rename') throw ioError('rename');
    return realFs.rename(from, to);
  },
}));

const { writeFileAtomic } = await import('../../../actors/support/atomic-file.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'piw-atomic-faults-'));
  writeFileSync(join(dir, 'page.html'), 'old');
});
afterEach(() => {
  failAt = null;
  rmSync(dir, { recursive: true, force: true });
});

test.each(['write', 'sync', 'chmod', 'close', 'rename'] as const)(
  'behaviour 156: a failure at %s rejects, keeps the old file and removes the temp file',
  async (step) => {
    failAt = step;
    await expect(writeFileAtomic(join(dir, 'page.html'), 'new')).rejects.toThrow(`injected ${step} failure`);
    expect(readFileSync(join(dir, 'page.html'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['page.html']);
  },
);

test('a failure to fsync the directory after the rename reports the error; the new file is in place', async () => {
  failAt = 'dirsync';
  await expect(writeFileAtomic(join(dir, 'page.html'), 'new')).rejects.toThrow('injected dirsync failure');
  expect(readFileSync(join(dir, 'page.html'), 'utf8')).toBe('new');
  expect(readdirSync(dir)).toEqual(['page.html']);
});

test('with no fault injected the same path succeeds (the harness itself is transparent)', async () => {
  await writeFileAtomic(join(dir, 'page.html'), 'new');
  expect(readFileSync(join(dir, 'page.html'), 'utf8')).toBe('new');
});
