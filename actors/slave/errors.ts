/** Typed errors of the slave's builder: the build itself, the zip files it reads, the Python it probes. */
import { defineError } from '../../protocols/errors.js';

export const BuildTimeoutError = defineError(
  'PIW_ERR_BUILD_TIMEOUT',
  (seconds: number) => `build timed out after ${seconds} s; its process group was terminated`,
);
export const BuildAbortedError = defineError(
  'PIW_ERR_BUILD_ABORTED',
  () => 'build stopped on request; its process group was terminated',
);
export const BuildSpawnError = defineError(
  'PIW_ERR_BUILD_SPAWN',
  (command: string, why: string) => `could not run ${command}: ${why}`,
);
export const DependencyAnalysisError = defineError(
  'PIW_ERR_BUILD_DEPENDENCIES',
  (wheel: string, why: string) => `dependency analysis of ${wheel} failed: ${why}`,
);
export const ZipFormatError = defineError(
  'PIW_ERR_ZIP_FORMAT',
  (path: string, why: string) => `${path} is not a readable zip archive: ${why}`,
);
export const PythonProbeError = defineError(
  'PIW_ERR_PYTHON_PROBE',
  (python: string, why: string) => `could not ask ${python} for its wheel tags: ${why}`,
);
