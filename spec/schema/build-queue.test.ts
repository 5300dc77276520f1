/**
 * The maintained build queue (the 0.18.1 step) against a reference implementation of the 0.18 rules
 * (spec/support/reference-queue.ts; schema/README.md §3, spec/behaviours.md A.1 and A.2), on both back ends: random catalogues of
 * packages, versions, build ABIs, builds and files, then random changes of every kind the queue depends
 * on — skips, deletions, new builds, moved files, ABIs added, skipped and removed — checking after each
 * that get_build_queue() and the builds_pending view give what the rules give.
 */
import type { FileStateWire } from '../../protocols/records.js';
import { BACKENDS, openBackend, type TestBackend } from '../support/postgres.js';
import { build, wheel } from './builders.js';
import { queueRows, referenceQueue } from '../support/reference-queue.js';

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

const ABIS = ['cp34m', 'cp35m', 'cp37m', 'cp39'];

describe.each(BACKENDS)('the maintained build queue on %s', (kind) => {
  let b: TestBackend;

  beforeAll(async () => {
    b = await openBackend(kind);
  });
  afterAll(async () => {
    await b?.close();
  });
  beforeEach(async () => {
    await b.reset();
  });

  async function expectMatchesReference(label: string) {
    for (const limit of [100_000, 2]) {
      const reference = await b.admin((sql) => queueRows(sql).then((rows) => referenceQueue(rows, limit)));
      expect({ label, limit, queue: await b.db.getBuildQueue(limit) }).toEqual({ label, limit, queue: reference });
      // 0.18's get_build_queue() gives the same rows, ABI by ABI.
      const rows = await b.db.sql<{ abi_tag: string; package: string; version: string }[]>`
        SELECT abi_tag, package, version FROM get_build_queue(${limit})`;
      const grouped: Record<string, [string, string][]> = {};
      for (const r of rows) (grouped[r.abi_tag] ??= []).push([r.package, r.version]);
      expect({ label, limit, rows: grouped }).toEqual({ label, limit, rows: reference });
    }
    // The view numbers each ABI's versions from 1 in the same order.
    const reference = await b.admin((sql) => queueRows(sql).then((rows) => referenceQueue(rows, 100_000)));
    const view = await b.db.sql<{ abi_tag: string; position: number; package: string; version: string }[]>`
      SELECT abi_tag, position::int AS position, package, version FROM builds_pending ORDER BY abi_tag, position`;
    const fromView: Record<string, [string, string][]> = {};
    for (const r of view) {
      expect(r.position).toBe((fromView[r.abi_tag]?.length ?? 0) + 1);
      (fromView[r.abi_tag] ??= []).push([r.package, r.version]);
    }
    expect({ label, view: fromView }).toEqual({ label, view: reference });
  }

  test.each([1, 2, 3])('random catalogue and changes, seed %i', async (seed) => {
    const r = rng(seed);
    const epoch = Date.UTC(2020, 0, 1);
    let tick = 0;
    const versions: [string, string][] = [];
    const filesOf = new Map<string, FileStateWire[]>();
    await b.admin(async (sql) => {
      for (const abi of ABIS) await sql`INSERT INTO build_abis (abi_tag) VALUES (${abi})`;
    });

    const addVersion = async (pkg: string) => {
      const version = `${1 + r.int(9)}.${tick}`;
      // Unique release times: ties are unordered in 0.18, so the comparison must not depend on them.
      const released = new Date(epoch + (r.int(1000) * 1000 + tick++) * 1000);
      if (await b.db.addNewPackageVersion(pkg, version, released, r.chance(0.1) ? 'binary only' : '')) versions.push([pkg, version]);
    };
    const addBuild = async () => {
      if (versions.length === 0) return;
      const [pkg, version] = r.pick(versions);
      const builder = r.pick([...ABIS, 'cp27mu']);
      const files: FileStateWire[] = [];
      if (r.chance(0.7)) {
        const key = `${pkg}\0${version}`;
        const earlier = filesOf.get(key) ?? [];
        for (let i = 0; i < 1 + r.int(2); i++) {
          // Sometimes the same wheel again: it moves to the new build, orphaning the old one.
          const file =
            earlier.length > 0 && r.chance(0.2)
              ? r.pick(earlier)
              : wheel(pkg, version, r.pick(['none', builder, builder, r.pick(ABIS), 'abi3']), { py: `p${tick++}` });
          if (!files.some((f) => f[0] === file[0])) files.push(file);
        }
        filesOf.set(key, [...earlier, ...files]);
      }
      await b.db.logBuild(build(pkg, version, builder, files, { slave: r.int(5) }));
    };

    for (let p = 0; p < 25; p++) {
      const pkg = `pkg${seed}x${p}`;
      await b.db.addNewPackage(pkg, r.chance(0.1) ? 'too big' : '');
      for (let v = 0; v < 1 + r.int(4); v++) await addVersion(pkg);
    }
    for (let i = 0; i < 60; i++) await addBuild();
    await expectMatchesReference('initial catalogue');

    // Half the time, a change aims at a version the queue holds right now, so that it matters.
    const target = async (): Promise<[string, string]> => {
      const queued = Object.values(await b.db.getBuildQueue(100_000)).flat();
      return queued.length > 0 && r.chance(0.5) ? r.pick(queued) : r.pick(versions);
    };
    for (let round = 0; round < 16; round++) {
      const op = r.int(13);
      let label = '';
      if (op === 0 && versions.length > 0) {
        const [pkg] = await target();
        const reason = r.chance(0.5) ? '' : 'skipped';
        await b.db.skipPackage(pkg, reason);
        label = `skip package ${pkg} '${reason}'`;
      } else if (op === 1 && versions.length > 0) {
        const [pkg, version] = await target();
        const reason = r.pick(['', 'deleted', 'binary only']);
        await b.db.skipPackageVersion(pkg, version, reason);
        label = `skip version ${pkg} ${version} '${reason}'`;
      } else if (op === 2 && versions.length > 0) {
        const [pkg, version] = await target();
        versions.splice(versions.findIndex(([p, v]) => p === pkg && v === version), 1);
        await b.db.deleteVersion(pkg, version);
        label = `delete version ${pkg} ${version}`;
      } else if (op === 3 && versions.length > 0) {
        const [pkg, version] = await target();
        await b.db.deleteBuild(pkg, version);
        filesOf.delete(`${pkg}\0${version}`);
        label = `delete builds of ${pkg} ${version}`;
      } else if (op === 4) {
        const abi = r.pick(ABIS);
        await b.admin(
          (sql) => sql`
            INSERT INTO build_abis (abi_tag, skip) VALUES (${abi}, '')
            ON CONFLICT (abi_tag) DO UPDATE SET skip = CASE build_abis.skip WHEN '' THEN 'retired' ELSE '' END`,
        );
        label = `toggle ABI ${abi}`;
      } else if (op === 5 && r.chance(0.5)) {
        const abi = r.pick(ABIS);
        await b.admin((sql) => sql`DELETE FROM build_abis WHERE abi_tag = ${abi}`);
        label = `remove ABI ${abi}`;
      } else if (op === 6 && versions.length > 0) {
        const [pkg] = r.pick(versions);
        for (let i = versions.length - 1; i >= 0; i--) if (versions[i]![0] === pkg) versions.splice(i, 1);
        await b.db.deletePackage(pkg);
        label = `delete package ${pkg}`;
      } else if (op === 7 && versions.length > 0) {
        const [pkg] = r.pick(versions);
        await addVersion(pkg);
        label = `new version of ${pkg}`;
      } else {
        for (let i = 0; i < 5; i++) await addBuild();
        label = 'five builds';
      }
      await expectMatchesReference(`seed ${seed} round ${round}: ${label}`);
    }
  });
});
