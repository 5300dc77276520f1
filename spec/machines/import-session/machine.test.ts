import { createActor } from 'xstate';
import { importSessionMachine } from '../../../machines/import-session/machine.js';
import { NotProvidedError } from '../../../machines/common/not-provided.js';
import { importOf, makeWorld, runSession, wheel } from './harness.js';
import type { BuildStateWire, FileStateWire } from '../../../protocols/index.js';
import type { ImportSessionEvent } from '../../../machines/import-session/types.js';

const ARMV7 = 'foo-0.1-cp34-cp34m-linux_armv7l.whl';
const ARMV6 = 'foo-0.1-cp34-cp34m-linux_armv6l.whl';
const ANY = 'foo-0.1-py3-none-any.whl';

const output = (s: ReturnType<typeof runSession>) => s.actor.getSnapshot().output;

describe('import session: IMPORT (behaviours 86–95)', () => {
  test('behaviour 86: SENT from a client that never sent IMPORT → ERROR "protocol violation"', async () => {
    const s = runSession(makeWorld());
    expect(await s.send({ type: 'SENT' })).toEqual(['reply ERROR protocol violation']);
    expect(output(s)).toEqual({ outcome: 'error', message: 'protocol violation' });
  });

  test('behaviour 87: IMPORT of a failed build → ERROR, nothing looked up', async () => {
    const s = runSession(makeWorld());
    expect(await s.send({ type: 'IMPORT', data: importOf([wheel(ANY)], { status: false }) })).toEqual([
      'reply ERROR importing a failed build is not supported',
    ]);
  });

  test('behaviour 88: IMPORT with no files → ERROR', async () => {
    const s = runSession(makeWorld());
    expect(await s.send({ type: 'IMPORT', data: importOf([]) })).toEqual(['reply ERROR no files listed for import']);
    // a failed build with no files is refused for being failed (0.18's order)
    const t = runSession(makeWorld());
    expect(await t.send({ type: 'IMPORT', data: importOf([], { status: false }) })).toEqual([
      'reply ERROR importing a failed build is not supported',
    ]);
  });

  test.each<[string, BuildStateWire, string]>([
    ['a path in the filename', importOf([wheel(ANY), ['../x.whl', 1, 'c'.repeat(64), 'x', '1', 'py3', 'none', 'any', {}]]), 'invalid wheel filename "../x.whl": contains a path separator'],
    ['an absolute path', importOf([['/tmp/foo-0.1-py3-none-any.whl', 1, 'c'.repeat(64), 'foo', '0.1', 'py3', 'none', 'any', {}]]), 'invalid wheel filename "/tmp/foo-0.1-py3-none-any.whl": contains a path separator'],
    ['a NUL byte', importOf([['foo-0.1-py3-none-any.whl\0', 1, 'c'.repeat(64), 'foo', '0.1', 'py3', 'none', 'any', {}]]), 'invalid wheel filename "foo-0.1-py3-none-any.whl\\u0000": contains a NUL byte'],
    ['not a wheel name', importOf([['foo.tar.gz', 1, 'c'.repeat(64), 'foo', '0.1', 'py3', 'none', 'any', {}]]), 'invalid wheel filename "foo.tar.gz": does not end in .whl'],
    ["another package's wheel", importOf([wheel('bar-0.1-py3-none-any.whl')]), 'wheel "bar-0.1-py3-none-any.whl" is not a file of package "foo"'],
    ['a hostile package name', importOf([wheel(ANY)], { pkg: '../foo' }), 'invalid package name "../foo"'],
    ['a file listed twice', importOf([wheel(ANY), wheel(ANY)]), 'file "foo-0.1-py3-none-any.whl" is listed twice'],
    ['a bad hash', importOf([[ANY, 1, 'C'.repeat(64), 'foo', '0.1', 'py3', 'none', 'any', {}]]), 'invalid hash for "foo-0.1-py3-none-any.whl": expected 64 lowercase hex digits of SHA-256'],
  ])('an IMPORT with %s is refused before anything is looked up or written', async (_, build, message) => {
    const s = runSession(makeWorld());
    expect(await s.send({ type: 'IMPORT', data: build })).toEqual([`reply ERROR ${message}`]);
    expect(output(s)).toEqual({ outcome: 'error', message });
    expect(s.logs).toEqual([`error: ${message}`]);
  });

  test('a package tag that canonicalises to the build\'s package is accepted', async () => {
    const s = runSession(makeWorld({ packages: new Set(['foo-bar']), versions: new Set(['foo-bar 1.0']) }));
    const calls = await s.send({ type: 'IMPORT', data: importOf([wheel('Foo_Bar-1.0-py3-none-any.whl')], { pkg: 'foo-bar', version: '1.0' }) });
    expect(calls.at(-1)).toBe('reply SEND Foo_Bar-1.0-py3-none-any.whl');
  });

  test('behaviour 89: an ABI not in GETABIS → ERROR "invalid ABI: <abi>"', async () => {
    const s = runSession(makeWorld());
    expect(await s.send({ type: 'IMPORT', data: importOf([wheel(ANY)], { abi: 'cp99' }) })).toEqual(['GETABIS', 'reply ERROR invalid ABI: cp99']);
  });

  test('behaviour 90: an unknown version → ERROR "unknown package version <pkg>-<ver>"', async () => {
    const s = runSession(makeWorld());
    expect(await s.send({ type: 'IMPORT', data: importOf([wheel('foo-0.2-py3-none-any.whl')], { version: '0.2' }) })).toEqual([
      'GETABIS',
      'VEREXISTS foo 0.2',
      'reply ERROR unknown package version foo-0.2',
    ]);
  });

  test('behaviour 91 (logged once every file is verified): a valid IMPORT forces slave id 0, EXPECTs, SENDs, then logs the build with its armv6l twins', async () => {
    const s = runSession(makeWorld());
    expect(await s.send({ type: 'IMPORT', data: importOf([wheel(ARMV7)], { slaveId: 7 }) })).toEqual([
      'GETABIS',
      'VEREXISTS foo 0.1',
      `EXPECT 0 ${ARMV7}`,
      `reply SEND ${ARMV7}`,
    ]);
    expect(s.actor.getSnapshot().value).toEqual({ importing: 'awaitingSent' });
    // the twin is born transferred: after the armv7l file the build is logged and the import is done
    expect(await s.send({ type: 'SENT' })).toEqual([
      'VERIFY 0 foo',
      `LOGBUILD 0 foo 0.1 cp34m true ${ARMV6},${ARMV7}`,
      'web BOTH foo',
      'reply DONE',
    ]);
    expect(output(s)).toEqual({ outcome: 'done' });
  });

  test('behaviour 92: when LOGBUILD (after the last VERIFY) fails the client gets the Oracle\'s text, no pages are asked for, the log names the files left', async () => {
    const s = runSession(makeWorld({ failing: { logBuild: 'duplicate key value violates unique constraint "builds_pkey"' } }));
    const b = 'foo-0.1-py2-none-any.whl';
    await s.send({ type: 'IMPORT', data: importOf([wheel(ANY), wheel(b)]) });
    await s.send({ type: 'SENT' });
    expect(await s.send({ type: 'SENT' })).toEqual([
      'VERIFY 0 foo',
      `LOGBUILD 0 foo 0.1 cp34m true ${b},${ANY}`,
      'reply ERROR duplicate key value violates unique constraint "builds_pkey"',
    ]);
    expect(output(s)).toEqual({ outcome: 'error', message: 'duplicate key value violates unique constraint "builds_pkey"' });
    expect(s.logs.at(-1)).toBe(
      `error: duplicate key value violates unique constraint "builds_pkey" (${b}, ${ANY} left in simple/foo/, listed on no page: importing the build again replaces them)`,
    );
  });

  test.each<[string, Partial<ReturnType<typeof makeWorld>>, number]>([
    ['refused at its first EXPECT', { failing: { expectFile: 'refusing to expect a file from slave 0: too big' } }, 0],
    ['whose file fails VERIFY three times', { verifyAnswers: [false, false, false] }, 3],
  ])('an import %s logs no build and asks for no pages', async (_, world, sents) => {
    const s = runSession(makeWorld(world));
    const calls = await s.send({ type: 'IMPORT', data: importOf([wheel(ANY)]) });
    for (let i = 0; i < sents; i++) calls.push(...(await s.send({ type: 'SENT' })));
    expect(calls.at(-1)).toMatch(/^reply ERROR /);
    expect(calls.filter((c) => c.startsWith('LOGBUILD') || c.startsWith('web'))).toEqual([]);
    expect(s.actor.getSnapshot().status).toBe('done');
  });

  test('a refusal after a file was verified names the file left in simple/<pkg>/; one before any does not', async () => {
    const w = makeWorld();
    const s = runSession(w);
    await s.send({ type: 'IMPORT', data: importOf([wheel(ANY), wheel('foo-0.1-py2-none-any.whl')]) });
    w.failing.expectFile = 'disk full';
    expect(await s.send({ type: 'SENT' })).toEqual(['VERIFY 0 foo', `EXPECT 0 ${ANY}`, 'reply ERROR disk full']);
    expect(s.logs.at(-1)).toBe(
      'error: disk full (foo-0.1-py2-none-any.whl left in simple/foo/, listed on no page: importing the build again replaces it)',
    );
    const t = runSession(makeWorld({ failing: { expectFile: 'disk full' } }));
    await t.send({ type: 'IMPORT', data: importOf([wheel(ANY)]) });
    expect(t.logs.at(-1)).toBe('error: disk full');
  });

  test('behaviour 93: each verified file is followed by the next (EXPECT, SEND); the last by LOGBUILD, BOTH and DONE', async () => {
    const s = runSession(makeWorld());
    const b = 'foo-0.1-py2-none-any.whl';
    expect((await s.send({ type: 'IMPORT', data: importOf([wheel(ANY), wheel(b)]) })).slice(-2)).toEqual([`EXPECT 0 ${b}`, `reply SEND ${b}`]);
    expect(await s.send({ type: 'SENT' })).toEqual(['VERIFY 0 foo', `EXPECT 0 ${ANY}`, `reply SEND ${ANY}`]);
    expect(await s.send({ type: 'SENT' })).toEqual(['VERIFY 0 foo', `LOGBUILD 0 foo 0.1 cp34m true foo-0.1-py2-none-any.whl,${ANY}`, 'web BOTH foo', 'reply DONE']);
    expect(s.actor.getSnapshot().status).toBe('done');
  });

  test('behaviour 94 (with the LATER fix): a failed VERIFY re-EXPECTs and re-SENDs the same file', async () => {
    const s = runSession(makeWorld({ verifyAnswers: [false] }));
    await s.send({ type: 'IMPORT', data: importOf([wheel(ANY)]) });
    expect(await s.send({ type: 'SENT' })).toEqual(['VERIFY 0 foo', `EXPECT 0 ${ANY}`, `reply SEND ${ANY}`]);
    expect(await s.send({ type: 'SENT' })).toEqual(['VERIFY 0 foo', `LOGBUILD 0 foo 0.1 cp34m true ${ANY}`, 'web BOTH foo', 'reply DONE']);
  });

  test('a file that fails VERIFY maxSendAttempts times ends the import with ERROR instead of looping', async () => {
    const s = runSession(makeWorld({ verifyAnswers: [false, false, false] }), { maxSendAttempts: 3 });
    await s.send({ type: 'IMPORT', data: importOf([wheel(ANY)]) });
    await s.send({ type: 'SENT' });
    await s.send({ type: 'SENT' });
    expect(await s.send({ type: 'SENT' })).toEqual([
      'VERIFY 0 foo',
      `reply ERROR transfer of ${ANY} failed to verify 3 times`,
    ]);
  });

  test('the attempt count starts again for each file', async () => {
    const s = runSession(makeWorld({ verifyAnswers: [false, true, false, true] }), { maxSendAttempts: 2 });
    await s.send({ type: 'IMPORT', data: importOf([wheel(ANY), wheel('foo-0.1-py2-none-any.whl')]) });
    for (let i = 0; i < 3; i++) await s.send({ type: 'SENT' });
    expect(await s.send({ type: 'SENT' })).toEqual(['VERIFY 0 foo', `LOGBUILD 0 foo 0.1 cp34m true foo-0.1-py2-none-any.whl,${ANY}`, 'web BOTH foo', 'reply DONE']);
  });

  test.each<[string, keyof ReturnType<typeof makeWorld>['failing'], number]>([
    ['GETABIS', 'getAbis', 0],
    ['VEREXISTS', 'versionExists', 0],
    ['EXPECT', 'expectFile', 0],
    ['VERIFY', 'verifyFile', 1],
    ['LOGBUILD', 'logBuild', 1],
    ['BOTH', 'requestPages', 1],
  ])('a %s that cannot be made ends the session with ERROR and its text', async (_, service, sents) => {
    const s = runSession(makeWorld({ failing: { [service]: 'no server on queue x' } }));
    let calls = await s.send({ type: 'IMPORT', data: importOf([wheel(ANY)]) });
    for (let i = 0; i < sents; i++) calls = await s.send({ type: 'SENT' });
    expect(calls.at(-1)).toBe('reply ERROR no server on queue x');
    expect(output(s)).toEqual({ outcome: 'error', message: 'no server on queue x' });
  });

  test('a second request while a file is due is a protocol violation', async () => {
    const events: ImportSessionEvent[] = [
      { type: 'IMPORT', data: importOf([wheel(ANY)]) },
      { type: 'REMOVE', data: ['foo', null, ''] },
      { type: 'REBUILD', data: ['HOME'] },
    ];
    for (const event of events) {
      const s = runSession(makeWorld());
      await s.send({ type: 'IMPORT', data: importOf([wheel(ANY)]) });
      expect(await s.send(event)).toEqual(['reply ERROR protocol violation']);
    }
  });

  test('a request while one is still being handled is logged and not answered', async () => {
    const world = makeWorld({ hanging: new Set(['verifyFile']) });
    const s = runSession(world);
    await s.send({ type: 'IMPORT', data: importOf([wheel(ANY)]) });
    await s.send({ type: 'SENT' });
    expect(await s.send({ type: 'SENT' })).toEqual([]);
    expect(s.logs.at(-1)).toBe('warning: ignored SENT: a request is still being handled');
    expect(s.actor.getSnapshot().value).toEqual({ importing: 'verifying' });
  });

  test('a tool that never sends SENT is abandoned after the client timeout, without a reply', async () => {
    const s = runSession(makeWorld());
    await s.send({ type: 'IMPORT', data: importOf([wheel(ANY)]) });
    s.clock.increment(3_599_999);
    expect(s.actor.getSnapshot().value).toEqual({ importing: 'awaitingSent' });
    s.calls.splice(0);
    s.clock.increment(1);
    expect(s.calls).toEqual([]);
    expect(output(s)).toEqual({ outcome: 'abandoned' });
    expect(s.logs.at(-1)).toBe(`warning: import abandoned: no SENT for ${ANY}`);
  });

  test('a tool that goes away after its first file leaves no build logged, and the warning names the file', async () => {
    const s = runSession(makeWorld());
    const b = 'foo-0.1-py2-none-any.whl';
    await s.send({ type: 'IMPORT', data: importOf([wheel(ANY), wheel(b)]) });
    expect(await s.send({ type: 'SENT' })).toEqual(['VERIFY 0 foo', `EXPECT 0 ${ANY}`, `reply SEND ${ANY}`]);
    s.calls.splice(0);
    s.clock.increment(3_600_000);
    expect(s.calls).toEqual([]);
    expect(output(s)).toEqual({ outcome: 'abandoned' });
    expect(s.logs.at(-1)).toBe(
      `warning: import abandoned: no SENT for ${ANY} (${b} left in simple/foo/, listed on no page: importing the build again replaces it)`,
    );
  });

  test('behaviour 95: the session ends after DONE or ERROR and ignores anything later', async () => {
    const s = runSession(makeWorld());
    await s.send({ type: 'IMPORT', data: importOf([wheel(ANY)]) });
    await s.send({ type: 'SENT' });
    expect(s.actor.getSnapshot().status).toBe('done');
    expect(await s.send({ type: 'SENT' })).toEqual([]);
  });

  test('replies go to the client the session was made for', async () => {
    const s = runSession(makeWorld(), { client: 'abc123' });
    expect(await s.send({ type: 'SENT' })).toEqual(['reply ERROR protocol violation to abc123']);
  });
});

describe('import session: REMOVE (behaviours 96–100)', () => {
  const remove = (pkg: string, version: string | null, reason: string): ImportSessionEvent => ({ type: 'REMOVE', data: [pkg, version, reason] });

  test('behaviour 96: REMOVE [pkg, null, ""] → PKGEXISTS, DELPKG to web and skip queues, DELPKG in the DB → DONE', async () => {
    const s = runSession(makeWorld());
    expect(await s.send(remove('foo', null, ''))).toEqual(['PKGEXISTS foo', 'web DELPKG foo', 'skip DELPKG foo', 'DELPKG foo', 'reply DONE']);
    expect(output(s)).toEqual({ outcome: 'done' });
  });

  test('behaviour 97: REMOVE [pkg, null, reason] → SKIPPKG first; after the notifications, DELBUILD of every version with successful builds', async () => {
    const s = runSession(
      makeWorld({
        projectVersions: [
          ['0.1', '', 'cp34m', '', false],
          ['0.2', '', '', 'cp34m', false],
          ['0.3', 'binary only', 'cp34m,cp35m', 'cp37m', true],
        ],
      }),
    );
    expect(await s.send(remove('foo', null, 'licence'))).toEqual([
      'PKGEXISTS foo',
      'SKIPPKG foo licence',
      'web DELPKG foo',
      'skip DELPKG foo',
      'PROJVERS foo',
      'DELBUILD foo 0.1',
      'DELBUILD foo 0.3',
      'reply DONE',
    ]);
  });

  test('a skipped package without successful builds deletes nothing more', async () => {
    const s = runSession(makeWorld({ projectVersions: [['0.2', '', '', 'cp34m', false]] }));
    expect((await s.send(remove('foo', null, 'licence'))).slice(-2)).toEqual(['PROJVERS foo', 'reply DONE']);
  });

  test('behaviour 98: REMOVE [pkg, ver, ""] → VEREXISTS, DELVER to web and skip queues, DELVER in the DB → DONE', async () => {
    const s = runSession(makeWorld());
    expect(await s.send(remove('foo', '0.1', ''))).toEqual([
      'VEREXISTS foo 0.1',
      'web DELVER foo 0.1',
      'skip DELVER foo 0.1',
      'DELVER foo 0.1',
      'reply DONE',
    ]);
  });

  test('behaviour 99: REMOVE [pkg, ver, reason] → SKIPVER first, web/skip DELVER, then DELBUILD (version kept) → DONE', async () => {
    const s = runSession(makeWorld());
    expect(await s.send(remove('foo', '0.1', 'broken'))).toEqual([
      'VEREXISTS foo 0.1',
      'SKIPVER foo 0.1 broken',
      'web DELVER foo 0.1',
      'skip DELVER foo 0.1',
      'DELBUILD foo 0.1',
      'reply DONE',
    ]);
  });

  test('behaviour 100: an unknown package or version → ERROR', async () => {
    expect(await runSession(makeWorld()).send(remove('bar', null, ''))).toEqual(['PKGEXISTS bar', 'reply ERROR unknown package bar']);
    expect(await runSession(makeWorld()).send(remove('foo', '9', 'x'))).toEqual(['VEREXISTS foo 9', 'reply ERROR unknown package version foo-9']);
  });

  test.each<[keyof ReturnType<typeof makeWorld>['failing'], string, string | null, string]>([
    ['packageExists', 'foo', null, ''],
    ['versionExists', 'foo', '0.1', ''],
    ['skipPackage', 'foo', null, 'x'],
    ['skipVersion', 'foo', '0.1', 'x'],
    ['requestPages', 'foo', null, ''],
    ['skipDeleted', 'foo', null, ''],
    ['deletePackage', 'foo', null, ''],
    ['deleteVersion', 'foo', '0.1', ''],
    ['deleteBuild', 'foo', '0.1', 'x'],
    ['projectVersions', 'foo', null, 'x'],
  ])('a failing %s ends the removal with ERROR and its text', async (service, pkg, version, reason) => {
    const s = runSession(makeWorld({ failing: { [service]: 'connection lost' } }));
    expect((await s.send(remove(pkg, version, reason))).at(-1)).toBe('reply ERROR connection lost');
  });
});

describe('import session: REBUILD (behaviours 101–103)', () => {
  test.each([['HOME'], ['SEARCH']] as const)('behaviour 101: REBUILD [%s] pushes HOME to the stats queue → DONE', async (part) => {
    const s = runSession(makeWorld());
    expect(await s.send({ type: 'REBUILD', data: [part] })).toEqual(['stats HOME', 'reply DONE']);
  });

  test.each([['PROJECT'], ['BOTH']] as const)('behaviour 102: REBUILD [%s, pkg] → PKGEXISTS, that request to the web queue (as REBUILD: at once) → DONE', async (part) => {
    const s = runSession(makeWorld());
    expect(await s.send({ type: 'REBUILD', data: [part, 'foo'] })).toEqual(['PKGEXISTS foo', `web REBUILD ${part} foo`, 'reply DONE']);
    const t = runSession(makeWorld());
    expect(await t.send({ type: 'REBUILD', data: [part, 'bar'] })).toEqual(['PKGEXISTS bar', 'reply ERROR unknown package bar']);
  });

  test('behaviour 103: REBUILD [part, null] → ALLPKGS and one web request (REBUILD: at once) per package → DONE', async () => {
    const s = runSession(makeWorld({ packages: new Set(['foo', 'bar', 'baz']) }));
    expect(await s.send({ type: 'REBUILD', data: ['BOTH', null] })).toEqual([
      'ALLPKGS',
      'web REBUILD BOTH bar',
      'web REBUILD BOTH baz',
      'web REBUILD BOTH foo',
      'reply DONE',
    ]);
    const empty = runSession(makeWorld({ packages: new Set() }));
    expect(await empty.send({ type: 'REBUILD', data: ['PROJECT', null] })).toEqual(['ALLPKGS', 'reply DONE']);
  });

  test.each<[keyof ReturnType<typeof makeWorld>['failing'], 'PROJECT' | 'BOTH', string | null]>([
    ['packageExists', 'PROJECT', 'foo'],
    ['allPackages', 'BOTH', null],
    ['requestPages', 'BOTH', null],
  ])('a failing %s ends the rebuild with ERROR and its text', async (service, part, pkg) => {
    const s = runSession(makeWorld({ failing: { [service]: 'timed out' } }));
    expect((await s.send({ type: 'REBUILD', data: [part, pkg] })).at(-1)).toBe('reply ERROR timed out');
  });
});

describe('import session: wiring', () => {
  test('a side effect the owner did not provide fails loudly with a typed error', () => {
    const actor = createActor(importSessionMachine, { input: { client: 'x' } });
    const errors: unknown[] = [];
    actor.subscribe({ error: (err) => errors.push(err) });
    actor.start();
    actor.send({ type: 'SENT' });
    expect(errors[0]).toBeInstanceOf(NotProvidedError);
  });
});

// keep the harness's wheel() honest: the tags it derives are the ones fileStateProblem expects
test('the test wheels are consistent file states', () => {
  const file: FileStateWire = wheel('foo-0.1-cp34-noabi-linux_armv7l.whl');
  expect(file.slice(3, 8)).toEqual(['foo', '0.1', 'cp34', 'none', 'linux_armv7l']);
});
