#!/usr/bin/env node
/** piw-remove: see cli/import/remove-command.ts. */
import { RemoveCommand } from './import/remove-command.js';
import { main } from './common/run.js';

await main(RemoveCommand, { binaryName: 'piw-remove' });
