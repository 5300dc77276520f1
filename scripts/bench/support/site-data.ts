/**
 * A synthetic catalogue for the page-writing benchmarks (pages.ts, slave-driver.ts --rebuild): the same
 * packages on every run.
 */
import type { MemoryPackage, MemoryVersion } from '../../../actors/scribe/memory-data.js';

const ABIS = ['cp37m', 'cp39', 'cp311'];

/** A deterministic pseudo-random generator, so every run writes the same site. */
function rng(seed: number) {
  return (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
}

/** Packages shaped like piwheels' (most have a few versions, 1 in 20 has many; about 8 files each). */
export function makePackages(count: number): MemoryPackage[] {
  const rand = rng(1);
  return Array.from({ length: count }, (_, i) => {
    const name = `package-${i.toString(36)}`;
    const nVersions = rand(20) === 0 ? 10 + rand(40) : 1 + rand(4);
    const versions: MemoryVersion[] = Array.from({ length: nVersions }, (_, v) => {
      const version = `${Math.floor(v / 10)}.${v % 10}.${rand(3)}${rand(8) === 0 ? 'rc1' : ''}`;
      return {
        version,
        yanked: rand(40) === 0,
        builds: ABIS.map((abi) => {
          const ok = rand(5) !== 0;
          const tag = rand(2) === 0 ? 'py3-none-any' : `${abi.replace('m', '')}-${abi}-linux_armv7l`;
          return {
            abi,
            ok,
            // the steady state: each wheel's metadata recorded when it arrived; every build has its log
            // (derived without drawing from `rand`, so the catalogue is the same as before these fields)
            output: `building ${name} ${version} for ${abi}\n`.repeat(1 + ((i * 7 + v * 13) % 200)),
            files: ok
              ? [
                  {
                    filename: `${name.replace(/-/g, '_')}-${version}-${tag}.whl`,
                    size: 1_000 + rand(5_000_000),
                    hash: rand(1e9).toString(16).padStart(64, '0'),
                    abi: tag.split('-')[1]!,
                    aptDeps: rand(3) === 0 ? ['libc6', 'libxml2', 'zlib1g'] : [],
                    requiresPython: (i + v) % 2 === 0 ? '>=3.8' : null,
                    metadataHash: `${i}-${v}`.padStart(64, '1'),
                  },
                ]
              : [],
          };
        }),
      };
    });
    return {
      name,
      description: `Package number ${i}: a <useful> & "fast" library`,
      spellings: rand(4) === 0 ? [{ name: name.toUpperCase(), seen: new Date(2024, 0, 1) }] : [],
      versions,
    };
  });
}
