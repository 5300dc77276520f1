#!/usr/bin/env node
/** piw-import: see cli/import/import-command.ts (FILES…) and cli/import/import-from-command.ts (--from URL). */
import { ImportCommand } from './import/import-command.js';
import { ImportFromCommand } from './import/import-from-command.js';
import { main } from './common/run.js';

await main([ImportCommand, ImportFromCommand], { binaryName: 'piw-import' });
