import { MemoryScribeData } from '../../../actors/scribe/memory-data.js';

const data = new MemoryScribeData(
  [
    {
      name: 'foo',
      skip: '',
      description: 'Foo!',
      spellings: [{ name: 'Foo', seen: new Date(2020, 0, 1) }, { name: 'FOO', seen: new Date(2021, 0, 1) }],
      versions: [
        {
          version: '1.0',
          builds: [
            { abi: 'cp311', ok: true, files: [{ filename: 'a.whl', size: 1, hash: 'h1', abi: 'cp311', aptDeps: ['libc6', 'libxml2'] }] },
            { abi: 'cp39', ok: false },
            { abi: 'cp37', ok: true, files: [] },
          ],
        },
        { version: '2.0', skip: 'broken', yanked: true, builds: [{ abi: 'cp311', ok: false, files: [{ filename: 'failed.whl', size: 1, hash: 'x', abi: 'cp311' }] }] },
      ],
    },
    { name: 'skipped', skip: 'too big', versions: [{ version: '1' }] },
  ],
  new Map([['cp311', new Set(['libc6'])]]),
);

test('queries answer as the schema functions do', async () => {
  expect([...(await data.allPackages())]).toEqual(['foo', 'skipped']);
  expect(await data.projectVersions('foo')).toEqual([
    ['1.0', '', 'cp311, cp37', 'cp39', false],
    ['2.0', 'broken', '', 'cp311', true],
  ]);
  expect(await data.projectVersions('skipped')).toEqual([['1', 'too big', '', '', false]]);
  expect(await data.projectFiles('foo')).toEqual([['1.0', 'cp311', 'a.whl', 1, 'h1', false]]);
  expect([...(await data.fileDependencies('a.whl'))]).toEqual(['libxml2']); // minus preinstalled for cp311
  expect(await data.description('foo')).toBe('Foo!');
  expect(await data.description('nope')).toBeNull();
  expect(await data.displayName('foo')).toBe('FOO');
  expect(await data.displayName('skipped')).toBe('skipped');
  expect(await data.displayName('nope')).toBeNull();
  expect(await data.aliases('foo')).toEqual(['Foo', 'FOO']);
  expect(await data.packageFiles('foo')).toEqual({ 'a.whl': 'h1' });
  expect([...(await data.versionFiles('foo', '1.0'))]).toEqual(['a.whl']);
  expect([...(await data.versionFiles('foo', '2.0'))]).toEqual([]);
});
