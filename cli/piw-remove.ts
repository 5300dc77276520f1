#!/usr/bin/env node
/** piw-remove: see cli/remove/remove-command.ts. */
import { RemoveCommand } from './remove/remove-command.js';
import { main } from './common/run.js';

await main(RemoveCommand, { binaryName: 'piw-remove' });
