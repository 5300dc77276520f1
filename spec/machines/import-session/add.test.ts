/**
 * piw-add's conversation (piwheels 0.19's ADDPKG / ADDVER) in the import-session machine: checked before
 * anything is asked, one Oracle request for the whole change, the Architect told, the pages rewritten,
 * then DONE with the action done; a refusal (NOPKG, SKIPPKG, SKIPVER) or a failure is ERROR and nothing
 * follows it.
 */
import { makeWorld, runSession } from './harness.js';

const TS = new Date('2026-01-02T03:04:05Z');
const output = (s: ReturnType<typeof runSession>) => s.actor.getSnapshot().output;

test('a new package: one ADDPKG with the canonical name, the Architect told, both pages, DONE NEWPKG', async () => {
  const s = runSession(makeWorld());
  expect(await s.send({ type: 'ADDPKG', data: ['Foo_Bar', 'A package', '', false, ['foo.bar']] })).toEqual([
    'ADDPKG foo-bar as Foo_Bar A package  false foo.bar',
    'refresh',
    'web BOTH foo-bar',
    'reply DONE NEWPKG',
  ]);
  expect(output(s)).toEqual({ outcome: 'done' });
  expect(s.logs).toContain('info: NEWPKG: foo-bar');
});

test('a known package: UPDPKG; a skip asked of it is refused SKIPPKG (piw-remove -s is for that), nothing rewritten', async () => {
  const s = runSession(makeWorld());
  expect(await s.send({ type: 'ADDPKG', data: ['foo', '', '', true, []] })).toEqual(['ADDPKG foo as foo   true ', 'refresh', 'web BOTH foo', 'reply DONE UPDPKG']);
  const t = runSession(makeWorld());
  expect(await t.send({ type: 'ADDPKG', data: ['foo', '', 'licence', false, []] })).toEqual(['ADDPKG foo as foo  licence false ', 'reply ERROR SKIPPKG']);
  expect(output(t)).toEqual({ outcome: 'error', message: 'SKIPPKG' });
});

test('versions: NEWVER, UPDVER, NOPKG for an unknown package, SKIPVER for a skip of a known version', async () => {
  const cases: [unknown[], string[]][] = [
    [['foo', '0.2', '', false, TS, true, false, []], ['ADDVER foo 0.2 as foo  false true false ', 'refresh', 'web BOTH foo', 'reply DONE NEWVER']],
    [['foo', '0.1', '', false, TS, false, true, []], ['ADDVER foo 0.1 as foo  false false true ', 'refresh', 'web BOTH foo', 'reply DONE UPDVER']],
    [['bar', '1.0', '', false, TS, false, false, []], ['ADDVER bar 1.0 as bar  false false false ', 'reply ERROR NOPKG']],
    [['foo', '0.1', 'broken', false, TS, false, false, []], ['ADDVER foo 0.1 as foo broken false false false ', 'reply ERROR SKIPVER']],
  ];
  for (const [data, calls] of cases) {
    const s = runSession(makeWorld());
    expect(await s.send({ type: 'ADDVER', data: data as never })).toEqual(calls);
  }
});

test.each([
  [['foo', '', '', false, ['bar']], 'alias bar does not match the package name foo'],
  [['foo bar', '', '', false, []], 'invalid package name "foo bar"'],
  [['foo', '', 'x', true, []], 'cannot both skip and unskip'],
  [['foo', '', 'x'.repeat(101), false, []], 'skip reason longer than 100 characters'],
])('ADDPKG %j is refused before anything is asked: %s', async (data, text) => {
  const s = runSession(makeWorld());
  expect(await s.send({ type: 'ADDPKG', data: data as never })).toEqual([`reply ERROR ${text}`]);
});

test.each([
  [['foo', '', '', false, TS, false, false, []], 'invalid version ""'],
  [['foo', '1.0 beta', '', false, TS, false, false, []], 'invalid version "1.0 beta"'],
  [['foo', '1.0', '', false, TS, true, true, []], 'cannot both yank and unyank'],
])('ADDVER %j is refused before anything is asked: %s', async (data, text) => {
  const s = runSession(makeWorld());
  expect(await s.send({ type: 'ADDVER', data: data as never })).toEqual([`reply ERROR ${text}`]);
});

test("the Oracle's failure is the ERROR text; a request while one is handled is ignored", async () => {
  const world = makeWorld({ failing: { addPackage: 'value too long for type character varying(200)' } });
  const s = runSession(world);
  expect(await s.send({ type: 'ADDPKG', data: ['foo', '', '', false, []] })).toEqual([
    'ADDPKG foo as foo   false ',
    'reply ERROR value too long for type character varying(200)',
  ]);
  const busy = runSession(makeWorld({ hanging: new Set(['addVersion']) }));
  await busy.send({ type: 'ADDVER', data: ['foo', '0.3', '', false, TS, false, false, []] });
  expect(await busy.send({ type: 'ADDPKG', data: ['foo', '', '', false, []] })).toEqual([]);
  expect(busy.logs).toContain('warning: ignored ADDPKG: a request is still being handled');
});
