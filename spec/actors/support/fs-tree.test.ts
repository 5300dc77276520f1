import { lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdirReplacingSymlink, symlinkRelative, unlinkIfPresent } from '../../../actors/support/fs-tree.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'piw-tree-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('mkdirReplacingSymlink creates a directory, accepts an existing one and replaces a symlink', async () => {
  await mkdir(join(dir, 'other'));
  await writeFile(join(dir, 'other', 'keep'), 'k');
  await mkdirReplacingSymlink(join(dir, 'new'));
  expect((await lstat(join(dir, 'new'))).isDirectory()).toBe(true);
  await mkdirReplacingSymlink(join(dir, 'new')); // existing: fine
  await symlink('other', join(dir, 'alias'));
  await mkdirReplacingSymlink(join(dir, 'alias'));
  expect((await lstat(join(dir, 'alias'))).isDirectory()).toBe(true);
  expect(await readFile(join(dir, 'other', 'keep'), 'utf8')).toBe('k'); // the link's target is untouched
  await symlink('missing', join(dir, 'dangling'));
  await mkdirReplacingSymlink(join(dir, 'dangling'));
  expect((await lstat(join(dir, 'dangling'))).isDirectory()).toBe(true);
});

test('mkdirReplacingSymlink refuses a regular file in the way; concurrent calls all succeed', async () => {
  await writeFile(join(dir, 'file'), 'x');
  await expect(mkdirReplacingSymlink(join(dir, 'file'))).rejects.toMatchObject({ code: 'PIW_ERR_NOT_A_DIRECTORY' });
  await Promise.all(Array.from({ length: 10 }, () => mkdirReplacingSymlink(join(dir, 'race'))));
  expect((await lstat(join(dir, 'race'))).isDirectory()).toBe(true);
});

test('symlinkRelative makes a relative link and never clobbers what is there', async () => {
  await mkdir(join(dir, 'project', 'foo'), { recursive: true });
  expect(await symlinkRelative(join(dir, 'project', 'foo'), join(dir, 'project', 'Foo'))).toBe(true);
  expect(await readlink(join(dir, 'project', 'Foo'))).toBe('foo');
  await writeFile(join(dir, 'w-armv6l.whl'), 'genuine');
  expect(await symlinkRelative(join(dir, 'w-armv7l.whl'), join(dir, 'w-armv6l.whl'))).toBe(false);
  expect(await readFile(join(dir, 'w-armv6l.whl'), 'utf8')).toBe('genuine');
  expect(await symlinkRelative(join(dir, 'project', 'bar'), join(dir, 'project', 'Foo'))).toBe(false);
  expect(await readlink(join(dir, 'project', 'Foo'))).toBe('foo');
  await mkdir(join(dir, 'a', 'b'), { recursive: true });
  expect(await symlinkRelative(join(dir, 'x.whl'), join(dir, 'a', 'b', 'x.whl'))).toBe(true);
  expect(await readlink(join(dir, 'a', 'b', 'x.whl'))).toBe('../../x.whl');
});

test('unlinkIfPresent reports whether something was removed', async () => {
  await writeFile(join(dir, 'f'), 'x');
  expect(await unlinkIfPresent(join(dir, 'f'))).toBe(true);
  expect(await unlinkIfPresent(join(dir, 'f'))).toBe(false);
  await mkdir(join(dir, 'd'));
  await expect(unlinkIfPresent(join(dir, 'd'))).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|EPERM/) });
});
