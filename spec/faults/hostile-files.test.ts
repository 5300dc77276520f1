/**
 * Issue 11, hostile file names and sizes from slaves and importers, against piw-master (a real process):
 * a slave reports wheels named to escape the output directory, to take over another package's file row, of
 * another version, with NUL or 300 characters in the name, of a negative size, or with an apt dependency
 * that is a shell command. Each such build is recorded as a failure with the reason in its output, nothing
 * is transferred or written, the other package's row stays its own; an importer's IMPORTs of the same are
 * answered ERROR. The master goes on building for an honest slave.
 */
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { createRequestClient } from '../../actors/zmq/request.js';
import { importerProtocol, type FileStateWire } from '../../protocols/index.js';
import { TimeDelta } from '../../protocols/cbor/index.js';
import { WireSlave } from '../../scripts/faults/wire-slave.js';
import { seedVersions } from './support/checks.js';
import { printReport, record } from './support/report.js';
import { faultWorld, type FaultWorld } from './support/world.js';

let world: FaultWorld | undefined;
let slaves: WireSlave[] = [];
afterEach(async () => {
  await Promise.all(slaves.map((s) => s.stop()));
  slaves = [];
  await world?.close();
  world = undefined;
});
afterAll(() => printReport('hostile file names and sizes'));

async function until(what: string, condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const VICTIM = 'fault_a_victim_0-1.0-cp311-cp311-linux_armv7l.whl';

/** What the hostile slave reports for each package (its real wheel's state comes in as `f`). */
const HOSTILE: Record<string, (f: FileStateWire) => FileStateWire> = {
  'escape the output directory': (f) => ['../../../../tmp/evil-1.0-py3-none-any.whl', ...f.slice(1)] as FileStateWire,
  "take over another package's file": (f) => [VICTIM, f[1], f[2], 'fault_a_victim_0', '1.0', 'cp311', 'cp311', 'linux_armv7l', {}],
  'another version': (f) => [f[0].replace('-1.0-', '-9.9-'), f[1], f[2], f[3], '9.9', ...f.slice(5)] as FileStateWire,
  'a NUL in the name': (f) => [f[0].replace('.whl', '\0.whl'), ...f.slice(1)] as FileStateWire,
  'a name of 300 characters': (f) => [`${f[3]}-1.0-cp311-cp311-${'x'.repeat(300)}.whl`, ...f.slice(1)] as FileStateWire,
  'a negative size': (f) => [f[0], -1, ...f.slice(2)] as FileStateWire,
  'an apt dependency that is a shell command': (f) => [...f.slice(0, 8), { apt: ['libc6', '$(touch /tmp/PWNED)'] }] as unknown as FileStateWire,
};
const CASES = Object.keys(HOSTILE);

test('hostile file names and sizes from a slave are recorded as refused builds, from an importer refused; nothing is written, nothing taken over', async () => {
  world = await faultWorld('postgres');
  const { master } = world;
  await world.admin(async (sql) => {
    await seedVersions(sql, 1, 'fault-a-victim'); // first in the queue's order: built before the takeover
    await seedVersions(sql, CASES.length, 'fault-hostile');
    await seedVersions(sql, 1, 'fault-import');
  });
  await master.start();
  const a = master.addresses;
  const hostile = new WireSlave({
    slaveQueue: a.slave,
    fileQueue: a.file,
    dir: path.join(world.dir, 'hostile'),
    label: 'hostile',
    // Every build but the victim's and the import package's lies.
    report: (f, pkg) => (pkg.startsWith('fault-hostile-') ? HOSTILE[CASES[Number(pkg.split('-').at(-1))]!]!(f) : f),
  });
  slaves = [hostile];
  await until('every build to be answered', () => hostile.accepted.length === CASES.length + 2);

  const builds = await world.admin((sql) => sql`
    SELECT b.package, b.status, o.output, (SELECT COUNT(*)::int FROM files f WHERE f.build_id = b.build_id) AS files
    FROM builds b JOIN output o USING (build_id) ORDER BY b.package`);
  const byPackage = new Map(builds.map((b) => [b.package as string, b]));
  for (const [i, what] of CASES.entries()) {
    const b = byPackage.get(`fault-hostile-${i}`);
    expect({ what, status: b?.status, files: b?.files, refused: String(b?.output).includes('[piwheels master: build refused: ') }).toEqual({
      what, status: false, files: 0, refused: true,
    });
  }
  const [victim] = await world.admin((sql) => sql`SELECT b.package FROM files f JOIN builds b USING (build_id) WHERE f.filename = ${VICTIM}`);
  expect(victim).toEqual({ package: 'fault-a-victim-0' });
  await expect(access('/tmp/evil-1.0-py3-none-any.whl')).rejects.toThrow();
  await expect(access('/tmp/PWNED')).rejects.toThrow();
  expect((await readdir(path.join(master.output, 'simple'))).filter((n) => n.startsWith('fault-hostile'))).toEqual([]);

  // The same from an importer: each IMPORT refused with ERROR.
  const importer = createRequestClient({ protocol: importerProtocol, address: a.import, timeoutMs: 30_000 });
  const refusals: string[] = [];
  try {
    const honest: FileStateWire = ['fault_import_0-1.0-py3-none-any.whl', 100, 'a'.repeat(64), 'fault_import_0', '1.0', 'py3', 'none', 'any', {}];
    for (const what of CASES.filter((c) => c !== 'another version')) {
      const reply = await importer.request({
        verb: 'IMPORT',
        data: [0, 'fault-import-0', '1.0', 'cp311', true, TimeDelta.fromSeconds(1), 'imported', [HOSTILE[what]!(honest)]],
      });
      if (reply.verb === 'ERROR') refusals.push(what);
    }
  } finally {
    await importer.close();
  }
  expect(refusals).toEqual(CASES.filter((c) => c !== 'another version'));
  expect(master.service.running).toBe(true);
  record('hostile reports', {
    'slave builds reported': CASES.length,
    'recorded as refused': CASES.length,
    'files written': 0,
    'rows taken over': 0,
    'imports sent': refusals.length,
    'imports refused': refusals.length,
  });
}, 300_000);
