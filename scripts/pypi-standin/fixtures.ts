/**
 * The packages the tests and the `npm start` demo publish on the stand-in: a pure-Python package, one with
 * a C extension, one that fails to build and one with several versions. Their sdists are written
 * directly (milliseconds, byte-identical every time); the bootstrap wheels are found and made once per
 * process.
 */
import { bootstrapWheels, DEFAULT_PYTHONS } from './bootstrap.js';
import { brokenProject, extensionProject, pureProject, type BuiltFile, type ProjectSource } from './sdist.js';

export const PURE = pureProject({ name: 'piw-demo-pure', version: '1.0', summary: 'A pure-Python package for the piwheels demo' });
export const CEXT = extensionProject({ name: 'piw-demo-cext', version: '1.0', summary: 'A package with a tiny C extension' });
export const BROKEN = brokenProject({ name: 'piw-demo-broken', version: '1.0', summary: 'A package whose build always fails' });
export const MULTI = ['0.1', '0.2', '1.0'].map((version) =>
  pureProject({ name: 'piw-demo-multi', version, summary: 'A package with several versions' }),
);

/** In publication order (the oldest first). */
export const DEMO_PROJECTS: readonly ProjectSource[] = [...MULTI, PURE, CEXT, BROKEN];

let bootstrap: Promise<BuiltFile[]> | undefined;

/** setuptools and wheel wheels for pyenv's and Debian's python3, made once per process. */
export function cachedBootstrapWheels(): Promise<BuiltFile[]> {
  bootstrap ??= bootstrapWheels(DEFAULT_PYTHONS).catch((err) => {
    bootstrap = undefined;
    throw err;
  });
  return bootstrap;
}
