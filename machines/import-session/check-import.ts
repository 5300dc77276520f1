/**
 * The checks an IMPORT passes before anything is looked up or written (behaviours 87–88, then the fields a
 * hostile or broken importer could get wrong). Pure; the first problem found is the ERROR text.
 */
import { fileStateProblem, isProjectName } from '../../protocols/packaging/wheel-filename.js';
import type { BuildStateWire } from './types.js';

export function importProblem(build: BuildStateWire): string | undefined {
  const [, pkg, , , status, , , files] = build;
  // 0.18's messages, word for word, in 0.18's order
  if (!status) return 'importing a failed build is not supported';
  if (files.length === 0) return 'no files listed for import';
  if (!isProjectName(pkg)) return `invalid package name ${JSON.stringify(pkg)}`;
  const seen = new Set<string>();
  for (const file of files) {
    // Package only: piw-import may bring wheels of other versions (its --package-version overrides them).
    const problem = fileStateProblem(file, pkg);
    if (problem !== undefined) return problem;
    if (seen.has(file[0])) return `file ${JSON.stringify(file[0])} is listed twice`;
    seen.add(file[0]);
  }
  return undefined;
}
