/**
 * The `mr_chase` protocol (protocols/README.md §4.3): Mr Chase's session machine (machine.ts, interface in
 * types.ts, wiring in services.ts) and the tools' machine (tool.ts).
 */
export * from './types.js';
export { importRequestEvent, importSessionMachine, importSessionSetup } from './machine.js';
export { createImportSessionMachine, type ImportSessionServices, type ImportSessionQueries } from './services.js';
export { importProblem } from './check-import.js';
export * from './tool.js';
export * from './errors.js';
