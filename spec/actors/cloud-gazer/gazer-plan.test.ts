import type { GazerEvent } from '../../../protocols/pypi/changelog.js';
import {
  IMPLIED_NAME_SEEN,
  planEvent,
  planSerial,
  type GazerPlan,
  type GazerStep,
  type OracleMessage,
} from '../../../actors/cloud-gazer/gazer-plan.js';

const TS = new Date('2018-07-11T16:43:08Z');
const EPOCH = new Date('1970-01-01T00:00:00Z');

const event = (over: Partial<GazerEvent>): GazerEvent => ({
  package: 'foo',
  version: null,
  timestamp: TS,
  action: 'create',
  description: null,
  ...over,
});

type Flat = [string, ...unknown[]];
const flat = (step: GazerStep): Flat => {
  switch (step.to) {
    case 'db':
    case 'web':
    case 'skip':
      return step.msg.data === undefined ? [step.to, step.msg.verb] : [step.to, step.msg.verb, step.msg.data];
    case 'cache':
    case 'unannounced':
      return [step.to, step.op, step.pkg];
    case 'log':
      return ['log', step.text];
  }
};

/**
 * Steps through a plan, answering db steps from `answers` (verb → result) and applying cache and
 * unannounced steps to those sets; `stopAfter` steps, it stops there, as a failing step would.
 */
function drive<R>(
  plan: GazerPlan<R>,
  answers: Record<string, unknown> = {},
  packages = new Set<string>(),
  unannounced = new Set<string>(),
  stopAfter = Infinity,
) {
  const steps: Flat[] = [];
  let next = plan.next();
  while (!next.done && steps.length < stopAfter) {
    const step = next.value;
    steps.push(flat(step));
    let reply: unknown;
    if (step.to === 'db') reply = answerFor(step.msg, answers);
    if (step.to === 'cache' || step.to === 'unannounced') {
      const set = step.to === 'cache' ? packages : unannounced;
      if (step.op === 'add') set.add(step.pkg);
      else set.delete(step.pkg);
    }
    next = plan.next(reply);
  }
  return { steps, result: next.value, packages, unannounced };
}

function answerFor(msg: OracleMessage, answers: Record<string, unknown>): unknown {
  if (msg.verb in answers) return answers[msg.verb];
  // The Oracle's plain answers: verbs that return nothing answer null.
  if (msg.verb === 'NEWPKG' || msg.verb === 'NEWVER') throw new Error(`test gave no answer for ${msg.verb}`);
  if (msg.verb === 'GETSKIP') throw new Error('test gave no answer for GETSKIP');
  return null;
}

const ctx = (packages: Iterable<string> = [], skipDefault = '', unannounced: Iterable<string> = []) => ({
  packages: new Set(packages),
  skipDefault,
  unannounced: new Set(unannounced),
});
const onlyDb = (steps: Flat[]) => steps.filter((s) => s[0] !== 'log');

describe('Cloud Gazer decisions', () => {
  describe('new packages (behaviours 106, 107, 116)', () => {
    test('106: an unknown package is inserted with its description, its name recorded twice and BOTH sent', () => {
      const { steps, packages, unannounced } = drive(planEvent(event({ description: 'A foo' }), ctx()), { NEWPKG: true });
      expect(steps).toEqual([
        ['unannounced', 'add', 'foo'],
        ['db', 'NEWPKG', ['foo', '', 'A foo']],
        ['cache', 'add', 'foo'],
        ['log', 'added package foo'],
        ['db', 'NEWPKGNAME', ['foo', 'foo', TS]],
        ['web', 'BOTH', 'foo'],
        ['unannounced', 'discard', 'foo'],
        ['db', 'NEWPKGNAME', ['foo', 'foo', TS]],
      ]);
      expect([...packages]).toEqual(['foo']);
      expect(unannounced.size).toBe(0);
    });

    test('106: without a description NEWPKG gets ""', () => {
      const { steps } = drive(planEvent(event({}), ctx()), { NEWPKG: true });
      expect(steps[1]).toEqual(['db', 'NEWPKG', ['foo', '', '']]);
    });

    test('106: a package the database already had gets SETDESC when a description is known, and no BOTH', () => {
      const { steps, packages } = drive(planEvent(event({ description: 'A foo' }), ctx()), { NEWPKG: false });
      expect(steps).toEqual([
        ['unannounced', 'add', 'foo'],
        ['db', 'NEWPKG', ['foo', '', 'A foo']],
        ['cache', 'add', 'foo'],
        ['db', 'SETDESC', ['foo', 'A foo']],
        ['unannounced', 'discard', 'foo'],
        ['db', 'NEWPKGNAME', ['foo', 'foo', TS]],
      ]);
      expect(packages.has('foo')).toBe(true);
    });

    test('106: a package the database already had and no description: nothing more', () => {
      const { steps } = drive(planEvent(event({}), ctx()), { NEWPKG: false });
      expect(steps).toEqual([
        ['unannounced', 'add', 'foo'],
        ['db', 'NEWPKG', ['foo', '', '']],
        ['cache', 'add', 'foo'],
        ['unannounced', 'discard', 'foo'],
        ['db', 'NEWPKGNAME', ['foo', 'foo', TS]],
      ]);
    });

    test('106: a package in the cache is not inserted again', () => {
      const { steps } = drive(planEvent(event({ description: 'A foo' }), ctx(['foo'])));
      expect(steps).toEqual([['db', 'NEWPKGNAME', ['foo', 'foo', TS]]]);
    });

    test.each([
      ['its BOTH', 7],
      ['its NEWPKG (the insert made, the answer lost)', 2],
    ])('replaying a batch that failed at %s still announces the package inserted, though NEWPKG says "already there"', (_, failAt) => {
      const packages = new Set<string>();
      const unannounced = new Set<string>();
      const first = drive(planEvent(event({ package: 'Foo_Bar' }), ctx()), { NEWPKG: true }, packages, unannounced, failAt);
      expect(first.steps.at(-1)?.[1]).toBe(failAt === 2 ? 'NEWPKG' : 'BOTH');
      expect([...unannounced]).toEqual(['foo-bar']);
      const replay = drive(planEvent(event({ package: 'Foo_Bar' }), { packages, skipDefault: '', unannounced }), { NEWPKG: false }, packages, unannounced);
      expect(replay.steps).toEqual([
        ['db', 'NEWPKG', ['foo-bar', '', '']],
        ['cache', 'add', 'foo-bar'],
        ['log', 'added package foo-bar'],
        ['db', 'NEWPKGNAME', ['foo-bar', 'foo-bar', EPOCH]],
        ['db', 'NEWPKGNAME', ['foo-bar', 'Foo_Bar', TS]],
        ['web', 'BOTH', 'foo-bar'],
        ['unannounced', 'discard', 'foo-bar'],
        ['db', 'NEWPKGNAME', ['foo-bar', 'foo-bar', EPOCH]],
        ['db', 'NEWPKGNAME', ['foo-bar', 'Foo_Bar', TS]],
      ]);
      expect(unannounced.size).toBe(0);
      // announced once, later events of the package do not announce it again
      expect(drive(planEvent(event({ package: 'Foo_Bar' }), { packages, skipDefault: '', unannounced })).steps).not.toContainEqual(['web', 'BOTH', 'foo-bar']);
    });

    test('a package removed in the replayed batch is no longer waiting to be announced', () => {
      const c = ctx(['foo'], '', ['foo']);
      const { unannounced } = drive(planEvent(event({ action: 'remove' }), c), {}, c.packages, c.unannounced);
      expect(unannounced.size).toBe(0);
    });

    test('116: in dev mode new packages are inserted with skip "development mode"', () => {
      const { steps } = drive(planEvent(event({}), ctx([], 'development mode')), { NEWPKG: true });
      expect(steps[1]).toEqual(['db', 'NEWPKG', ['foo', 'development mode', '']]);
    });

    test('107: a spelling other than the canonical name records the canonical name at 1970 then the spelling', () => {
      const { steps } = drive(planEvent(event({ package: 'Foo_Bar' }), ctx()), { NEWPKG: true });
      expect(IMPLIED_NAME_SEEN).toEqual(EPOCH);
      expect(steps).toEqual([
        ['unannounced', 'add', 'foo-bar'],
        ['db', 'NEWPKG', ['foo-bar', '', '']],
        ['cache', 'add', 'foo-bar'],
        ['log', 'added package foo-bar'],
        ['db', 'NEWPKGNAME', ['foo-bar', 'foo-bar', EPOCH]],
        ['db', 'NEWPKGNAME', ['foo-bar', 'Foo_Bar', TS]],
        ['web', 'BOTH', 'foo-bar'],
        ['unannounced', 'discard', 'foo-bar'],
        ['db', 'NEWPKGNAME', ['foo-bar', 'foo-bar', EPOCH]],
        ['db', 'NEWPKGNAME', ['foo-bar', 'Foo_Bar', TS]],
      ]);
    });

    test('107: every non-remove event of a known package records its spelling', () => {
      const yank = drive(planEvent(event({ package: 'Zope.Interface', version: '5.0', action: 'yank' }), ctx(['zope-interface'])));
      expect(yank.steps.slice(0, 2)).toEqual([
        ['db', 'NEWPKGNAME', ['zope-interface', 'zope-interface', EPOCH]],
        ['db', 'NEWPKGNAME', ['zope-interface', 'Zope.Interface', TS]],
      ]);
    });
  });

  describe('versions (behaviours 108–111)', () => {
    test('108, 109: a source event adds the version buildable, sets the description, then BOTH', () => {
      const e = event({ version: '1.0', action: 'source', description: 'A foo' });
      const { steps } = drive(planEvent(e, ctx(['foo'])), { NEWVER: true });
      expect(steps).toEqual([
        ['db', 'NEWPKGNAME', ['foo', 'foo', TS]],
        ['db', 'NEWVER', ['foo', '1.0', TS, '']],
        ['log', 'added package foo version 1.0'],
        ['db', 'SETDESC', ['foo', 'A foo']],
        ['web', 'BOTH', 'foo'],
      ]);
    });

    test('108: any other file event adds the version as "binary only"', () => {
      const e = event({ version: '1.0', action: 'create' });
      const { steps } = drive(planEvent(e, ctx(['foo'])), { NEWVER: true });
      expect(steps).toEqual([
        ['db', 'NEWPKGNAME', ['foo', 'foo', TS]],
        ['db', 'NEWVER', ['foo', '1.0', TS, 'binary only']],
        ['log', 'added package foo version 1.0'],
        ['log', 'disabled package foo version 1.0 (binary only)'],
        ['web', 'BOTH', 'foo'],
      ]);
    });

    test('a version of an unknown package inserts the package first', () => {
      const e = event({ version: '1.0', action: 'source', description: 'A foo' });
      const { steps } = drive(planEvent(e, ctx()), { NEWPKG: true, NEWVER: true });
      expect(onlyDb(steps).map((s) => s.slice(0, 2))).toEqual([
        ['unannounced', 'add'],
        ['db', 'NEWPKG'],
        ['cache', 'add'],
        ['db', 'NEWPKGNAME'],
        ['web', 'BOTH'],
        ['unannounced', 'discard'],
        ['db', 'NEWPKGNAME'],
        ['db', 'NEWVER'],
        ['db', 'SETDESC'],
        ['web', 'BOTH'],
      ]);
    });

    test('110: a source event for a binary-only version makes it buildable and rewrites the project page', () => {
      const e = event({ version: '1.0', action: 'source' });
      const { steps } = drive(planEvent(e, ctx(['foo'])), { NEWVER: false, GETSKIP: 'binary only' });
      expect(steps).toEqual([
        ['db', 'NEWPKGNAME', ['foo', 'foo', TS]],
        ['db', 'NEWVER', ['foo', '1.0', TS, '']],
        ['db', 'GETSKIP', ['foo', '1.0']],
        ['db', 'SKIPVER', ['foo', '1.0', '']],
        ['log', 'enabled package foo version 1.0'],
        ['web', 'PROJECT', 'foo'],
      ]);
    });

    test('110: a source event for a version skipped for another reason only rewrites (BOTH)', () => {
      const e = event({ version: '1.0', action: 'source' });
      const { steps } = drive(planEvent(e, ctx(['foo'])), { NEWVER: false, GETSKIP: 'too big' });
      expect(steps.slice(1)).toEqual([
        ['db', 'NEWVER', ['foo', '1.0', TS, '']],
        ['db', 'GETSKIP', ['foo', '1.0']],
        ['web', 'BOTH', 'foo'],
      ]);
    });

    test('110: a binary file for a known version asks nothing more and sends BOTH', () => {
      const e = event({ version: '1.0', action: 'create', description: 'A foo' });
      const { steps } = drive(planEvent(e, ctx(['foo'])), { NEWVER: false });
      expect(steps.slice(1)).toEqual([
        ['db', 'NEWVER', ['foo', '1.0', TS, 'binary only']],
        ['web', 'BOTH', 'foo'],
      ]);
    });

    test('111: yank → YANKVER with PyPI\'s reason (or none) then BOTH, no NEWVER', () => {
      const reasoned = drive(planEvent({ ...event({ version: '1.0', action: 'yank' }), yankReason: 'broken on ARM' }, ctx(['foo'])));
      expect(reasoned.steps[1]).toEqual(['db', 'YANKVER', ['foo', '1.0', 'broken on ARM']]);
      const { steps } = drive(planEvent(event({ version: '1.0', action: 'yank' }), ctx(['foo'])));
      expect(steps).toEqual([
        ['db', 'NEWPKGNAME', ['foo', 'foo', TS]],
        ['db', 'YANKVER', ['foo', '1.0', '']],
        ['log', 'yanked package foo version 1.0'],
        ['web', 'BOTH', 'foo'],
      ]);
    });

    test('111: unyank → UNYANKVER then BOTH, no NEWVER', () => {
      const { steps } = drive(planEvent(event({ version: '1.0', action: 'unyank' }), ctx(['foo'])));
      expect(steps).toEqual([
        ['db', 'NEWPKGNAME', ['foo', 'foo', TS]],
        ['db', 'UNYANKVER', ['foo', '1.0']],
        ['log', 'unyanked package foo version 1.0'],
        ['web', 'BOTH', 'foo'],
      ]);
    });
  });

  describe('removals (behaviours 112–114)', () => {
    test('112: removing a version skips it as deleted, tells web and skip queues, then deletes it', () => {
      const c = ctx(['foo']);
      const { steps, packages } = drive(planEvent(event({ package: 'Foo', version: '1.0', action: 'remove' }), c), {}, c.packages);
      expect(steps).toEqual([
        ['log', 'marking package foo version 1.0 for deletion'],
        ['db', 'SKIPVER', ['foo', '1.0', 'deleted']],
        ['web', 'DELVER', ['foo', '1.0']],
        ['skip', 'DELVER', ['foo', '1.0']],
        ['db', 'DELVER', ['foo', '1.0']],
      ]);
      expect(packages.has('foo')).toBe(true);
    });

    test('113: removing a package skips it, drops it from the cache, tells both queues, then deletes it', () => {
      const c = ctx(['foo-bar', 'baz']);
      const { steps, packages } = drive(planEvent(event({ package: 'Foo.Bar', action: 'remove' }), c), {}, c.packages);
      expect(steps).toEqual([
        ['log', 'marking package foo-bar for deletion'],
        ['db', 'SKIPPKG', ['foo-bar', 'deleted']],
        ['cache', 'discard', 'foo-bar'],
        ['unannounced', 'discard', 'foo-bar'],
        ['web', 'DELPKG', 'foo-bar'],
        ['skip', 'DELPKG', 'foo-bar'],
        ['db', 'DELPKG', 'foo-bar'],
      ]);
      expect([...packages]).toEqual(['baz']);
    });

    test('113: a package never seen before is deleted all the same', () => {
      const { steps } = drive(planEvent(event({ package: 'ghost', action: 'remove' }), ctx()));
      expect(onlyDb(steps).map((s) => s.slice(0, 2))).toEqual([
        ['db', 'SKIPPKG'],
        ['cache', 'discard'],
        ['unannounced', 'discard'],
        ['web', 'DELPKG'],
        ['skip', 'DELPKG'],
        ['db', 'DELPKG'],
      ]);
    });

    test('114: a package removed and then created again is inserted again', () => {
      const packages = new Set(['foo']);
      const unannounced = new Set<string>();
      drive(planEvent(event({ action: 'remove' }), { packages, skipDefault: '', unannounced }), {}, packages, unannounced);
      expect(packages.has('foo')).toBe(false);
      const { steps } = drive(planEvent(event({ action: 'create' }), { packages, skipDefault: '', unannounced }), { NEWPKG: true }, packages, unannounced);
      expect(steps[1]).toEqual(['db', 'NEWPKG', ['foo', '', '']]);
      expect(steps).toContainEqual(['web', 'BOTH', 'foo']);
      expect(packages.has('foo')).toBe(true);
    });
  });

  describe('behaviour 115: the serial', () => {
    test('SETPYPI when the serial advanced', () => {
      expect(drive(planSerial(10, 15))).toEqual({ steps: [['db', 'SETPYPI', 15]], result: 15, packages: new Set(), unannounced: new Set() });
    });

    test('nothing when it did not', () => {
      expect(drive(planSerial(15, 15)).steps).toEqual([]);
      expect(drive(planSerial(15, 15)).result).toBe(15);
    });
  });

  test('105: every event is acted on under its canonical name', () => {
    for (const [spelling, canonical] of [
      ['Django', 'django'],
      ['zope.interface', 'zope-interface'],
      ['ruamel.yaml.clib', 'ruamel-yaml-clib'],
      ['A__B--c', 'a-b-c'],
    ]) {
      const { steps } = drive(planEvent(event({ package: spelling, version: '1', action: 'source' }), ctx([canonical])), {
        NEWVER: true,
      });
      expect(steps).toContainEqual(['db', 'NEWVER', [canonical, '1', TS, '']]);
      expect(steps).toContainEqual(['web', 'BOTH', canonical]);
    }
  });
});
