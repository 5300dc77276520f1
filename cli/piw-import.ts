#!/usr/bin/env node
/** piw-import: see cli/import/import-command.ts. */
import { ImportCommand } from './import/import-command.js';
import { main } from './common/run.js';

await main(ImportCommand, { binaryName: 'piw-import' });
