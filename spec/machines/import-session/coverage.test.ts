import { importSessionMachine } from '../../../machines/import-session/machine.js';
import type { ImportSessionEvent } from '../../../machines/import-session/types.js';
import { delayedEvents, doneEvent, errorEvent, expectFullCoverage, exploreMachine } from '../support/coverage.js';
import { importToolMachine } from '../../../machines/import-session/tool.js';
import type { ImportToolRequest } from '../../../machines/import-session/tool.js';
import { importOf, wheel } from './harness.js';

const ids = [
  'getAbis', 'versionExists', 'packageExists', 'logBuild', 'expectFile', 'verifyFile', 'requestPages', 'skipDeleted',
  'skipPackage', 'skipVersion', 'deletePackage', 'deleteVersion', 'deleteBuild', 'projectVersions', 'allPackages',
  'addPackage', 'addVersion',
];

const TS = new Date('2026-01-02T03:04:05Z');

test('generated paths reach every state and transition of the import session machine; the build is logged only once every file is verified', () => {
  const requests: ImportSessionEvent[] = [
    { type: 'IMPORT', data: importOf([wheel('foo-0.1-cp34-cp34m-linux_armv7l.whl'), wheel('foo-0.1-py3-none-any.whl')]) },
    { type: 'IMPORT', data: importOf([wheel('foo-0.1-py3-none-any.whl')], { abi: 'cp99' }) },
    { type: 'IMPORT', data: importOf([], { status: false }) },
    { type: 'REMOVE', data: ['foo', null, ''] },
    { type: 'REMOVE', data: ['foo', null, 'licence'] },
    { type: 'REMOVE', data: ['foo', '0.1', ''] },
    { type: 'REMOVE', data: ['foo', '0.1', 'broken'] },
    { type: 'REBUILD', data: ['HOME'] },
    { type: 'REBUILD', data: ['PROJECT', 'foo'] },
    { type: 'REBUILD', data: ['BOTH', null] },
    { type: 'ADDPKG', data: ['Foo', 'A package', '', false, ['FOO']] },
    { type: 'ADDPKG', data: ['Foo', '', 'reason', true, []] },
    { type: 'ADDVER', data: ['foo', '0.2', '', false, TS, true, false, []] },
    { type: 'SENT' },
  ];
  let logged = 0;
  const report = expectFullCoverage(importSessionMachine, {
    input: { client: 'c1', maxSendAttempts: 2 },
    // issue 5: nothing half-changed; LOGBUILD comes after the last VERIFY said OK, never before
    onTransition: (from, _, to) => {
      if (!to.matches({ importing: 'loggingBuild' }) || from.matches({ importing: 'loggingBuild' })) return;
      expect(from.matches({ importing: 'verifying' })).toBe(true);
      expect(to.context.build!.files!.every((f) => f.transferred)).toBe(true);
      logged++;
    },
    events: (snapshot) => [
      ...requests,
      doneEvent('getAbis', new Set(['cp34m'])),
      doneEvent('versionExists', true),
      doneEvent('versionExists', false),
      doneEvent('packageExists', true),
      doneEvent('packageExists', false),
      doneEvent('verifyFile', true),
      doneEvent('verifyFile', false),
      doneEvent('projectVersions', [['0.1', '', 'cp34m', '', false]]),
      doneEvent('allPackages', new Set(['foo', 'bar'])),
      doneEvent('addPackage', 'NEWPKG'),
      doneEvent('addPackage', 'SKIPPKG'),
      doneEvent('addVersion', 'UPDVER'),
      doneEvent('addVersion', 'NOPKG'),
      ...['logBuild', 'expectFile', 'requestPages', 'skipDeleted', 'skipPackage', 'skipVersion', 'deletePackage', 'deleteVersion', 'deleteBuild']
        .map((id) => doneEvent(id, id === 'logBuild' ? 1 : undefined)),
      ...ids.map((id) => errorEvent(id, new Error(`${id} failed`))),
      ...delayedEvents(snapshot),
    ],
  });
  expect(report.unreachedStates).toEqual([]);
  expect(logged).toBeGreaterThan(0);
});

test('generated paths reach every state and transition of the import tool machine', () => {
  // an IMPORT reaches everything but "SEND in reply to REMOVE/REBUILD", which a REMOVE reaches
  const explore = (request: ImportToolRequest) =>
    exploreMachine(importToolMachine, {
      input: { request },
      events: () => [
        { type: 'SEND', data: 'foo-0.1-py3-none-any.whl' },
        { type: 'SEND', data: 'bar-0.1-py3-none-any.whl' },
        { type: 'DONE' },
        { type: 'ERROR', data: 'no' },
        { type: 'INVALID', error: new Error('unknown message: X') },
        doneEvent('transfer', undefined),
        errorEvent('transfer', new Error('EIO')),
      ],
    });
  const importing = explore({ verb: 'IMPORT', data: importOf([wheel('foo-0.1-py3-none-any.whl')]) });
  const removing = explore({ verb: 'REMOVE', data: ['foo', null, ''] });
  expect(importing.unreachedStates).toEqual([]);
  expect(importing.untakenTransitions).toEqual(['#importTool.awaiting --SEND--> #importTool.failed']);
  expect(removing.untakenTransitions).not.toContain('#importTool.awaiting --SEND--> #importTool.failed');
});
