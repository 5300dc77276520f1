/** Typed errors of `npm run statecharts` (its two codes, listed in protocols/error-codes.ts). */
import { defineError } from '../../protocols/errors.js';

export const MissingDescriptionError = defineError(
  'PIW_ERR_STATECHART_DESCRIPTION',
  (name: string) => `statecharts: machine "${name}" has no description: add one to its createMachine({ description }) (the paragraph its README shows)`,
);
export const DuplicateChartError = defineError(
  'PIW_ERR_STATECHART_DUPLICATE',
  (path: string) => `statecharts: two catalogue entries draw ${path}: give each its own name`,
);
