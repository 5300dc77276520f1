/** The PyPI stand-in for tests and the `npm start` demo. */
export { startPypiStandin, type Fault, type FaultHandle, type PypiStandin, type RequestRecord, type StandinOptions, type Target } from './server.js';
export { PypiRegistry, RegistryError, type ChangelogEvent, type EventOptions, type FileOptions, type Project, type Release, type StoredFile } from './registry.js';
export { brokenProject, extensionProject, makeSdist, pureProject, type BuiltFile, type ProjectSource } from './sdist.js';
export { BROKEN, CEXT, DEMO_PROJECTS, MULTI, PURE, cachedBootstrapWheels } from './fixtures.js';
